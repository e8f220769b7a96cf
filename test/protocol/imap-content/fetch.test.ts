// FETCH scripts: commands and the exact responses, on mbox fixtures.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES } from '../../helpers/paths';
import type { Mailbox } from '../../../lib/mail/types';
import { memoryMailbox, readMbox, runScript } from './harness';

const SIMPLE = [
  'From a@example.org Mon Jan  1 10:01:00 2024',
  'From: Alice <alice@example.org>',
  'To: bob@example.net',
  'Subject: hello',
  'Date: Mon, 1 Jan 2024 10:00:00 +0000',
  'Message-ID: <1@example.org>',
  '',
  'Hi Bob.',
  '',
].join('\r\n');

function simpleMailbox(readOnly = false): Mailbox {
  const data = Buffer.from(SIMPLE.slice(SIMPLE.indexOf('\r\n') + 2));
  return memoryMailbox([{ data, internalDate: new Date(Date.UTC(2024, 0, 1, 10, 1)), flags: new Set(), recent: false }], readOnly, [7]);
}

describe('FETCH', () => {
  it('simple items, macros, and UID FETCH reporting the UID first', async () => {
    const lines = await runScript(simpleMailbox(), [
      'a FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE)',
      'b FETCH 1 FAST',
      'c UID FETCH 7 FLAGS',
      'd FETCH 1 ENVELOPE',
      'e FETCH 1 BODY',
    ]);
    assert.deepEqual(lines, [
      '* 1 FETCH (UID 7 FLAGS () INTERNALDATE " 1-Jan-2024 10:01:00 +0000" RFC822.SIZE 148)',
      'a OK FETCH completed',
      '* 1 FETCH (FLAGS () INTERNALDATE " 1-Jan-2024 10:01:00 +0000" RFC822.SIZE 148)',
      'b OK FETCH completed',
      '* 1 FETCH (UID 7 FLAGS ())',
      'c OK UID FETCH completed',
      '* 1 FETCH (ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" "hello" (("Alice" NIL "alice" "example.org")) (("Alice" NIL "alice" "example.org")) (("Alice" NIL "alice" "example.org")) ((NIL NIL "bob" "example.net")) NIL NIL NIL "<1@example.org>"))',
      'd OK FETCH completed',
      '* 1 FETCH (BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 9 1))',
      'e OK FETCH completed',
    ]);
  });

  it('BODY.PEEK leaves \\Seen alone; BODY[] sets it and reports FLAGS', async () => {
    const lines = await runScript(simpleMailbox(), [
      'a FETCH 1 BODY.PEEK[TEXT]',
      'b FETCH 1 (BODY[HEADER.FIELDS (Subject)])',
      'c FETCH 1 (FLAGS BODY[TEXT])',
      'd FETCH 1 BODY[TEXT]',
    ]);
    assert.deepEqual(lines, [
      '* 1 FETCH (BODY[TEXT] {9}',
      'Hi Bob.',
      ')',
      'a OK FETCH completed',
      '* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {18}',
      'Subject: hello',
      '',
      ' FLAGS (\\Seen))',
      'b OK FETCH completed',
      '* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {9}',
      'Hi Bob.',
      ')',
      'c OK FETCH completed',
      '* 1 FETCH (BODY[TEXT] {9}',
      'Hi Bob.',
      ')',
      'd OK FETCH completed',
    ]);
  });

  it('a read-only mailbox never gets \\Seen', async () => {
    const lines = await runScript(simpleMailbox(true), ['a FETCH 1 RFC822.TEXT', 'b FETCH 1 FLAGS']);
    assert.deepEqual(lines, ['* 1 FETCH (RFC822.TEXT {9}', 'Hi Bob.', ')', 'a OK FETCH completed', '* 1 FETCH (FLAGS ())', 'b OK FETCH completed']);
  });

  it('partial fetches, RFC822.HEADER, and sections that do not exist', async () => {
    const lines = await runScript(simpleMailbox(), [
      'a FETCH 1 (BODY.PEEK[]<0.5> BODY.PEEK[TEXT]<3.100> BODY.PEEK[TEXT]<100.5>)',
      'b FETCH 1 (BODY.PEEK[2] BODY.PEEK[1.MIME] BODY.PEEK[1.HEADER])',
      'c FETCH 1 RFC822.HEADER',
    ]);
    assert.deepEqual(lines, [
      '* 1 FETCH (BODY[]<0> "From:" BODY[TEXT]<3> {6}',
      'Bob.',
      ' BODY[TEXT]<100> "")',
      'a OK FETCH completed',
      '* 1 FETCH (BODY[2] NIL BODY[1.MIME] {139}',
      ...SIMPLE.split('\r\n').slice(1, 7),
      ' BODY[1.HEADER] NIL)',
      'b OK FETCH completed',
      '* 1 FETCH (RFC822.HEADER {139}',
      ...SIMPLE.split('\r\n').slice(1, 7),
      ')',
      'c OK FETCH completed',
    ]);
  });

  it('bad arguments get BAD, and nothing is sent', async () => {
    const lines = await runScript(simpleMailbox(), [
      'a FETCH 1 (FOO)',
      'b FETCH 1 BODY[HEADER.FIELDS]',
      'c FETCH 1 BODY.PEEK',
      'd FETCH 2 FLAGS',
      'e FETCH 1 BODY[1.MIME',
      'f FETCH 1 BODY[]<1>',
      'g FETCH 1 (FLAGS',
      'h UID FETCH 99 FLAGS',
    ]);
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(0, 2).join(' ')),
      ['a BAD', 'b BAD', 'c BAD', 'd BAD', 'e BAD', 'f BAD', 'g BAD', 'h OK'],
    );
  });

  it('BINARY decodes base64 and quoted-printable; literal8 only for NUL; BINARY.SIZE', async () => {
    const message = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=C3=A9 =',
        'ok',
        '--b',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        'AAEC',
        '--b',
        'Content-Transfer-Encoding: x-uuencode',
        '',
        'begin',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const mailbox = memoryMailbox([{ data: message, internalDate: new Date(0), flags: new Set(), recent: false }]);
    const lines = await runScript(mailbox, [
      'a FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1] BINARY.SIZE[2])',
      Buffer.from('b FETCH 1 BINARY.PEEK[2]\r\n'),
      'c FETCH 1 BINARY.PEEK[3]',
      // A BINARY that fails must not set \\Seen behind the client's back.
      'c2 FETCH 1 (FLAGS BINARY[3])',
      'c3 FETCH 1 FLAGS',
      'd FETCH 1 BINARY[1]<0.3>',
    ]);
    assert.deepEqual(lines, [
      '* 1 FETCH (BINARY.SIZE[1] 8 BINARY[1] {8}',
      'caf\xc3\xa9 ok BINARY.SIZE[2] 3)',
      'a OK FETCH completed',
      '* 1 FETCH (BINARY[2] ~{3}',
      '\x00\x01\x02)',
      'b OK FETCH completed',
      'c NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding x-uuencode',
      'c2 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding x-uuencode',
      '* 1 FETCH (FLAGS ())',
      'c3 OK FETCH completed',
      '* 1 FETCH (BINARY[1]<0> "caf" FLAGS (\\Seen))',
      'd OK FETCH completed',
    ]);
  });
});

describe('FETCH of awkward content', () => {
  it('NUL in BODY[] travels as 0x80 (same size); 8-bit header text goes out as a literal', async () => {
    const data = Buffer.concat([Buffer.from('Subject: caf\xc3\xa9\r\n\r\na', 'latin1'), Buffer.from([0]), Buffer.from('b\r\n')]);
    const mailbox = memoryMailbox([{ data, internalDate: new Date(0), flags: new Set(), recent: false }], true);
    const lines = await runScript(mailbox, ['a FETCH 1 (BODY.PEEK[TEXT] ENVELOPE)']);
    assert.deepEqual(lines, [
      '* 1 FETCH (BODY[TEXT] {5}',
      'a\x80b',
      ' ENVELOPE (NIL {5}',
      'caf\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL))',
      'a OK FETCH completed',
    ]);
  });

  it('broken MIME answers rather than failing: unterminated multipart, absurd nesting', async () => {
    const nested = `${'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'.repeat(150)}\r\nleaf\r\n`;
    const messages = [Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nunterminated\r\n'), Buffer.from(nested)];
    const mailbox = memoryMailbox(messages.map((data) => ({ data, internalDate: new Date(0), flags: new Set<string>(), recent: false })), true);
    const lines = await runScript(mailbox, ['a FETCH 1:2 BODYSTRUCTURE']);
    assert.equal(lines[0], '* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL))');
    assert.match(lines[1] ?? '', /^\* 2 FETCH \(BODYSTRUCTURE \(\(\(/);
    assert.equal(lines[2], 'a OK FETCH completed');
  });
});

describe('FETCH on the reference corpus', () => {
  it('ENVELOPE and BODYSTRUCTURE of all 68 messages as UW answers them', async () => {
    const messages = readMbox(join(FIXTURES, 'corpus.mbox'));
    for (const message of messages) {
      // UW hides its own Status: header (message 27); the driver does this.
      const text = message.data.toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      (message as { data: Buffer }).data = Buffer.from(text.slice(0, headerEnd).replace(/^Status: .*\r\n/m, '') + text.slice(headerEnd), 'latin1');
    }
    const lines = await runScript(memoryMailbox(messages, true), ['a FETCH 1:* (UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)']);
    const { readFileSync } = await import('node:fs');
    const expected = readFileSync(join(FIXTURES, 'corpus.uw.fetch.txt'), 'utf8')
      .split('\n')
      .filter((line) => /^\* \d+ FETCH/.test(line));
    assert.equal(lines.length, 69);
    // Sizes of messages 19, 36 and 68 depend on how the mbox driver frames
    // them (UW adds a missing header end, drops the file's last blank line);
    // that is the driver's business, so RFC822.SIZE is masked there.
    const mask = (line: string): string => line.replace(/RFC822\.SIZE \d+/, 'RFC822.SIZE n');
    lines.slice(0, 68).forEach((line, index) => {
      const want = expected[index] as string;
      if ([19, 36, 68].includes(index + 1)) assert.equal(mask(line), mask(want));
      else assert.equal(line, want);
    });
  });
});
