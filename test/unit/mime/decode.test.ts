// Transfer decoding, charsets, case folding and the text SEARCH sees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldCase } from '../../../lib/mail/mime/casemap';
import { decodeCharset, isKnownCharset } from '../../../lib/mail/mime/charset';
import { bodyTexts, headerText, headerTexts } from '../../../lib/mail/mime/search-text';
import { scanMessage } from '../../../lib/mail/mime/structure';
import { decodeQuotedPrintable, decodeTransfer } from '../../../lib/mail/mime/transfer';
import { crlf } from './structure.test';

describe('decoding', () => {
  it('quoted-printable: escapes, soft breaks, and junk passed through', () => {
    const cases: Array<[string, string]> = [
      ['caf=C3=A9', 'café'],
      ['soft=\r\nbreak', 'softbreak'],
      ['soft=  \r\nbreak', 'softbreak'],
      ['lf=\nonly', 'lfonly'],
      ['bad=ZZ and =4', 'bad=ZZ and =4'],
      ['trailing=', 'trailing'],
      ['lower=c3=a9', 'loweré'],
    ];
    for (const [input, output] of cases) assert.equal(decodeQuotedPrintable(Buffer.from(input)).toString('utf8'), output, input);
  });

  it('base64 ignores line breaks and junk; unknown encodings are refused', () => {
    assert.equal(decodeTransfer(Buffer.from('aGVs\r\nbG8=\r\n'), 'BASE64')?.toString(), 'hello');
    assert.equal(decodeTransfer(Buffer.from('aGVs!!bG8'), 'base64')?.toString(), 'hello');
    assert.equal(decodeTransfer(Buffer.from('x'), 'x-uuencode'), undefined);
    assert.equal(decodeTransfer(Buffer.from('x'), undefined)?.toString(), 'x');
  });

  it('charsets: native UTF-8, legacy ones through iconv-lite, unknown ones degrade', () => {
    assert.equal(decodeCharset(Buffer.from('caf\xe9', 'latin1'), 'ISO-8859-1'), 'café');
    assert.equal(decodeCharset(Buffer.from([0xf0, 0xd2, 0xc9]), 'koi8-r'), 'При');
    assert.equal(decodeCharset(Buffer.from('\x1b$B$3$s\x1b(B', 'latin1'), 'iso-2022-jp'), 'こん');
    assert.equal(decodeCharset(Buffer.from('café'), 'x-unknown'), 'café');
    assert.equal(decodeCharset(Buffer.from('caf\xe9', 'latin1'), 'us-ascii'), 'café');
    assert.equal(isKnownCharset('windows-1252'), true);
    assert.equal(isKnownCharset('x-klingon'), false);
  });

  it('case folding matches across case and composition', () => {
    assert.equal(foldCase('ÄBC'), foldCase('a\u0308bc'));
    assert.equal(foldCase('HeLLo'), 'hello');
    assert.equal(foldCase('ｆｕｌｌ'), 'full');
  });

  it('search text: decoded headers and the text of every text part', () => {
    const message = crlf(
      [
        'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=E9',
        '--b',
        'Content-Type: image/png',
        'Content-Transfer-Encoding: base64',
        '',
        'aGVsbG8=',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'Subject: inner',
        '',
        'inner body',
        '--b--',
      ].join('\n'),
    );
    const root = scanMessage(message);
    assert.deepEqual(headerTexts(message, root, 'subject'), ['Grüße']);
    assert.deepEqual([...bodyTexts(message, root)], ['café', 'subject: inner', 'inner body']);
  });

  it('search text: header lines that belong to no field are still header text', () => {
    const message = crlf(' stray continuation\nFrom: a@example.org\nno colon on this line\nSubject: x\n\nbody\n');
    const text = headerText(message, scanMessage(message));
    assert.ok(text.includes('stray continuation') && text.includes('no colon on this line') && text.includes('subject: x'), text);
  });
});
