import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMutf7, encodeMutf7, isValidMutf7 } from '../../../lib/mail/mutf7';

describe('modified UTF-7', () => {
  const pairs: Array<[string, string]> = [
    ['INBOX', 'INBOX'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['A&B', 'A&-B'],
    ['&', '&-'],
    ['Ŀ', '&AT8-'],
    ['😀 mail', '&2D3eAA- mail'],
    ['', ''],
  ];
  for (const [unicode, wire] of pairs) {
    it(`encodes ${JSON.stringify(unicode)}`, () => assert.equal(encodeMutf7(unicode), wire));
    it(`decodes ${wire}`, () => assert.equal(decodeMutf7(wire), unicode));
  }

  const invalid = [
    ['unterminated', '&U,BTFw'],
    ['encoded ASCII', '&AGE-'],
    ['adjacent encoded runs', '&U,A-&U,A-'],
    ['stray bits', '&U,BTFx-'],
    ['lone high surrogate', '&2D0-'],
    ['lone low surrogate', '&3gA-'],
    ['8-bit byte', 'caf\u00e9'],
    ['control character', 'a\tb'],
    ['base64 slash', '&U/A-'],
    ['too many digits for one unit', '&AAAA-'],
  ];
  for (const [why, wire] of invalid) {
    it(`refuses ${why}`, () => assert.equal(isValidMutf7(wire ?? ''), false));
  }
});
