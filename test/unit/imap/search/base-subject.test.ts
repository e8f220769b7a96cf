// RFC 5256 §2.1 base subjects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseSubject } from '../../../../lib/imap/search/base-subject';

const cases: Array<[string, string, boolean]> = [
  ['Project plan', 'project plan', false],
  ['Re: Project plan', 'project plan', true],
  ['RE: re: Fwd: Project plan', 'project plan', true],
  ['Re[2]: Project plan', 'project plan', true],
  ['[list] Re: Project plan', 'project plan', true],
  ['Re: [list] Project plan', 'project plan', true],
  ['[list] Project plan', 'project plan', false],
  ['[only a blob]', '[only a blob]', false],
  ['Project plan (fwd)', 'project plan', true],
  ['[Fwd: Re: Project plan]', 'project plan', true],
  ['  Project \t  plan  ', 'project plan', false],
  ['Fw : Project plan', 'project plan', true],
  ['Report: numbers', 'report: numbers', false],
  ['=?utf-8?q?Re=3A_Gr=C3=BC=C3=9Fe?=', 'grüße', true],
  ['', '', false],
  ['Re:', '', true],
];

describe('base subject', () => {
  for (const [input, text, isReply] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(baseSubject(input), { text: text.normalize('NFKD'), isReply }));
  }
});
