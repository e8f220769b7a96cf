// Header blocks, field values and RFC 2047 decoding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEncodedWords } from '../../../lib/mail/mime/encoded-word';
import { fieldValue, fieldValues, readHeader, unfold } from '../../../lib/mail/mime/header';
import { crlf } from './structure.test';

describe('headers', () => {
  it('finds fields, folded lines and the end of the header', () => {
    const message = crlf('Subject: one\n two\nX-Y : z\nnot a field\n\tcontinued\nTo: a@b\n\nbody\n');
    const block = readHeader(message, 0, message.length);
    assert.deepEqual(
      block.fields.map((field) => field.name),
      ['subject', 'x-y', 'to'],
    );
    assert.equal(block.end, message.indexOf('body'));
    assert.equal(fieldValue(message, block.fields[0]!), 'one two');
    assert.equal(fieldValue(message, block.fields[1]!), 'z');
    assert.deepEqual(fieldValues(message, block, 'to'), ['a@b']);
  });

  it('a header of 400,000 lines without a colon is read line by line (each colon search once took the rest of the message)', () => {
    const message = Buffer.from(`${'x\r\n'.repeat(400000)}Subject: last\r\n\r\nbody: here\r\n`);
    const block = readHeader(message, 0, message.length);
    assert.deepEqual(block.fields.map((field) => field.name), ['subject']);
    assert.equal(block.end, message.length - 'body: here\r\n'.length);
  });

  it('unfolds like UW: the fold becomes one space, further white space stays', () => {
    assert.equal(unfold('a\r\n\tb\r\n  c'), 'a b  c');
  });

  it('reads 8-bit values as UTF-8 when valid, else Latin-1', () => {
    const utf8 = Buffer.from('Subject: café\r\n\r\n', 'utf8');
    const latin1 = Buffer.from('Subject: caf\xe9\r\n\r\n', 'latin1');
    for (const message of [utf8, latin1]) {
      const block = readHeader(message, 0, message.length);
      assert.equal(fieldValue(message, block.fields[0]!), 'café');
    }
  });

  it('decodes encoded words, joining adjacent ones', () => {
    const cases: Array<[string, string]> = [
      ['=?utf-8?q?Jos=C3=A9_=C3=81lvarez?=', 'José Álvarez'],
      ['Re: =?utf-8?b?4oCUIEdyw7zDn2U=?= =?utf-8?q?=C3=A9?= end', 'Re: — Grüßeé end'],
      ['=?ISO-8859-1?Q?caf=E9?=', 'café'],
      ['=?utf-8?q?=C3?= =?utf-8?q?=A9?=', 'é'],
      ['=?utf-8*en?q?x?=', 'x'],
      ['a =?bogus?q?x?= b', 'a x b'],
      ['not =? an encoded word', 'not =? an encoded word'],
      ['=?koi8-r?b?8NLJ18XU?=', 'Привет'],
    ];
    for (const [input, output] of cases) assert.equal(decodeEncodedWords(input), output, input);
  });
});
