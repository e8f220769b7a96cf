// The scanner on well-formed and broken MIME: byte ranges, defaults, and
// graceful degradation (never an exception).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_DEPTH, MAX_PARTS, type MimePart, scanMessage } from '../../../lib/mail/mime/structure';

/** A message from readable text: LF becomes CRLF, as the driver serves it. */
export function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

function bodyOf(message: Buffer, part: MimePart): string {
  return message.subarray(part.body.start, part.body.end).toString('latin1');
}

function headerOf(message: Buffer, part: MimePart): string {
  return message.subarray(part.header.start, part.header.end).toString('latin1');
}

describe('MIME scanner', () => {
  it('a simple message: header through the blank line, body after it', () => {
    const message = crlf('Subject: x\nFrom: a@b\n\nline 1\nline 2\n');
    const root = scanMessage(message);
    assert.equal(root.kind, 'leaf');
    assert.equal(headerOf(message, root), 'Subject: x\r\nFrom: a@b\r\n\r\n');
    assert.equal(bodyOf(message, root), 'line 1\r\nline 2\r\n');
    assert.deepEqual([root.type, root.subtype, root.lines], ['TEXT', 'PLAIN', 2]);
  });

  it('a header with no blank line and no body', () => {
    const message = crlf('Subject: x\n');
    const root = scanMessage(message);
    assert.equal(root.header.end, message.length);
    assert.equal(root.body.start, root.body.end);
  });

  it('an empty message and a message without header', () => {
    assert.equal(scanMessage(Buffer.alloc(0)).body.end, 0);
    const message = crlf('\nbody\n');
    const root = scanMessage(message);
    assert.equal(headerOf(message, root), '\r\n');
    assert.equal(bodyOf(message, root), 'body\r\n');
  });

  it('multipart: preamble and epilogue excluded, CRLF before a delimiter belongs to it', () => {
    const message = crlf(
      'Content-Type: multipart/mixed; boundary="b"\n\npreamble\n--b\nContent-Type: text/html\n\n<p>\n--b\n\nplain\n\n--b--\nepilogue\n',
    );
    const root = scanMessage(message);
    assert.equal(root.kind, 'multipart');
    assert.equal(root.parts.length, 2);
    const [html, plain] = root.parts as [MimePart, MimePart];
    assert.equal(headerOf(message, html), 'Content-Type: text/html\r\n\r\n');
    assert.equal(bodyOf(message, html), '<p>');
    assert.equal(headerOf(message, plain), '\r\n');
    assert.equal(bodyOf(message, plain), 'plain\r\n');
    assert.equal(plain.lines, 1);
  });

  it('a delimiter that opens the body, with trailing white space, and a look-alike that is not one', () => {
    const message = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b  \n\none\n--bb\n--b\n\ntwo\n--b--');
    const root = scanMessage(message);
    assert.deepEqual(
      root.parts.map((part) => bodyOf(message, part)),
      ['one\r\n--bb', 'two'],
    );
  });

  it('a missing final delimiter: the last part runs to the end', () => {
    const message = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n');
    const root = scanMessage(message);
    assert.deepEqual(
      root.parts.map((part) => bodyOf(message, part)),
      ['one', 'two\r\n'],
    );
  });

  it('no boundary parameter, or no delimiter: one empty text/plain part', () => {
    for (const text of ['Content-Type: multipart/alternative\n\nfoo\n', 'Content-Type: multipart/mixed; boundary=x\n\nfoo\n']) {
      const root = scanMessage(crlf(text));
      assert.equal(root.parts.length, 1);
      const only = root.parts[0] as MimePart;
      assert.deepEqual([only.type, only.subtype, only.body.end - only.body.start, only.lines], ['TEXT', 'PLAIN', 0, 0]);
    }
  });

  it('digest parts default to message/rfc822, and nested messages are parsed', () => {
    const message = crlf(
      'Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: inner\n\nhello\n--d--\n',
    );
    const root = scanMessage(message);
    const part = root.parts[0] as MimePart;
    assert.equal(part.kind, 'message');
    assert.deepEqual([part.type, part.subtype], ['MESSAGE', 'RFC822']);
    const inner = part.message as MimePart;
    assert.equal(headerOf(message, inner), 'Subject: inner\r\n\r\n');
    assert.equal(bodyOf(message, inner), 'hello');
  });

  it('a nested multipart reusing the outer boundary ends at the outer delimiter (UW)', () => {
    const message = crlf(
      'Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: multipart/alternative; boundary=X\n\n--X\n\na\n--X--\n',
    );
    const root = scanMessage(message);
    assert.equal(root.parts.length, 2);
    assert.equal(root.parts[0]?.kind, 'multipart');
    assert.equal(bodyOf(message, root.parts[1] as MimePart), 'a');
  });

  it('absurd nesting is cut at MAX_DEPTH without throwing', () => {
    const depth = MAX_DEPTH + 50;
    let text = '';
    for (let level = 0; level < depth; level++) text += `Content-Type: multipart/mixed; boundary=b${level}\n\n--b${level}\n`;
    text += '\nleaf\n';
    const root = scanMessage(crlf(text));
    let levels = 0;
    let part: MimePart = root;
    while (part.kind === 'multipart') {
      part = part.parts[0] as MimePart;
      levels += 1;
    }
    assert.equal(levels, MAX_DEPTH);
    assert.deepEqual([part.type, part.subtype], ['APPLICATION', 'OCTET-STREAM']);
  });

  it('deeply nested message/rfc822 is cut the same way', () => {
    const text = 'Content-Type: message/rfc822\n\n'.repeat(MAX_DEPTH * 2) + 'Subject: deep\n\nx\n';
    let part: MimePart | undefined = scanMessage(crlf(text));
    let levels = 0;
    while (part?.kind === 'message') {
      part = part.message;
      levels += 1;
    }
    assert.equal(levels, MAX_DEPTH);
  });

  it('NUL bytes, 8-bit headers, 1 MB lines and LF-only line ends do not disturb it', () => {
    const long = 'x'.repeat(1 << 20);
    const message = Buffer.concat([
      Buffer.from('Subject: caf\xe9\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n', 'latin1'),
      Buffer.from([0, 1, 0, 0x0d, 0x0a]),
      Buffer.from(`${long}\n--b\n\n${long}\n--b--\n`),
    ]);
    const root = scanMessage(message);
    assert.equal(root.parts.length, 2);
    assert.equal(root.parts[0]?.body.end! - root.parts[0]?.body.start!, 5 + long.length);
    assert.equal(root.parts[1]?.body.end! - root.parts[1]?.body.start!, long.length);
  });

  it('keeps the first of repeated Content-* fields and parses the extension fields', () => {
    const message = crlf(
      'Content-Type: text/plain; charset=utf-8\nContent-Type: image/png\nContent-ID: <id@x>\nContent-Description: the text\n' +
        'Content-Transfer-Encoding: Quoted-Printable (comment)\nContent-MD5: Q2hlY2s=\nContent-Disposition: attachment;\n filename="a b.txt"\n' +
        'Content-Language: en, de\nContent-Location: http://x/y\n\nbody\n',
    );
    const root = scanMessage(message);
    assert.deepEqual([root.type, root.subtype, root.params], ['text', 'plain', [{ name: 'charset', value: 'utf-8' }]]);
    assert.equal(root.id, '<id@x>');
    assert.equal(root.description, 'the text');
    assert.equal(root.encoding, 'Quoted-Printable');
    assert.equal(root.md5, 'Q2hlY2s=');
    assert.deepEqual(root.disposition, { type: 'attachment', params: [{ name: 'filename', value: 'a b.txt' }] });
    assert.deepEqual(root.language, ['en', 'de']);
    assert.equal(root.location, 'http://x/y');
  });

  it('many tiny parts stop splitting at MAX_PARTS', () => {
    const message = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(12000)}--b--\r\n`);
    const root = scanMessage(message);
    assert.ok(root.parts.length < 10001);
    const last = root.parts.at(-1) as MimePart;
    assert.ok(last.body.end - last.body.start > 1000, 'the rest stays in the last part');
  });

  it('the empty parts that stand in for empty multiparts count towards MAX_PARTS', () => {
    const empty = '--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n';
    const message = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${empty.repeat(8000)}--b--\r\n`);
    const count = (part: MimePart): number => 1 + part.parts.reduce((sum, child) => sum + count(child), 0);
    // Before, each empty multiparts counted once but made two parts: 16,001 here.
    assert.ok(count(scanMessage(message)) < MAX_PARTS + 10);
  });
});
