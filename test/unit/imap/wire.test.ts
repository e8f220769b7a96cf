// The wire layer: decoder grammar and sticky error, encoder choices,
// sequence-set evaluation, and the command reader's literal handling.
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';
import { Decoder } from '../../../lib/imap/wire/decoder';
import { Encoder, isAtom } from '../../../lib/imap/wire/encoder';
import { CommandReader, type ReaderHooks } from '../../../lib/imap/wire/reader';
import { LAST, formatSequenceSet, formatUidPairs, resolveSequenceNumbers, resolveUids } from '../../../lib/imap/wire/sequence';

const decoder = (text: string | Buffer): Decoder => new Decoder(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);

describe('Decoder', () => {
  it('parses atoms, numbers, strings and astrings', () => {
    const d = decoder('abc 42 "q\\"uo\\\\te" {5}\r\nhe\r\nl atom]x');
    assert.equal(d.expectAtom(), 'abc');
    d.expectSP();
    assert.equal(d.expectNumber(), 42);
    d.expectSP();
    assert.equal(d.expectString().toString(), 'q"uo\\te');
    d.expectSP();
    assert.equal(d.expectAstring().toString(), 'he\r\nl');
    d.expectSP();
    assert.equal(d.expectAstringText(), 'atom]x');
    d.expectEnd();
    assert.equal(d.error, undefined);
  });

  it('keeps the first error and stops consuming', () => {
    const d = decoder('abc def');
    d.expectNumber();
    const first = d.error;
    d.expectSP();
    d.expectAtom();
    assert.ok(first?.startsWith('Expected number'));
    assert.equal(d.error, first);
  });

  it('rejects numbers beyond 32 bits, zero where nz-number is needed, bad quoting and NUL in literals', () => {
    assert.ok(decoder('4294967296').expectNumber() === 0);
    for (const [text, method] of [
      ['4294967296', 'expectNumber'],
      ['0', 'expectNzNumber'],
      ['"abc', 'expectString'],
      ['"a\\b"', 'expectString'],
      ['{3}\r\na\0b', 'expectString'],
      ['{9}\r\nabc', 'expectString'],
      ['', 'expectAtom'],
    ] as const) {
      const d = decoder(text);
      d[method]();
      assert.ok(d.failed, `${method} on ${JSON.stringify(text)}`);
    }
    assert.equal(decoder('4294967295').expectNumber(), 4294967295);
  });

  it('accepts literal8 and non-synchronising literals', () => {
    const d = decoder('~{3}\r\na\0b {2+}\r\nxy');
    assert.deepEqual([...d.expectString()], [0x61, 0, 0x62]);
    d.expectSP();
    assert.equal(d.expectString().toString(), 'xy');
    assert.equal(d.error, undefined);
  });

  it('folds INBOX and reads LIST patterns', () => {
    assert.equal(decoder('inBox').expectMailbox(), 'INBOX');
    assert.equal(decoder('"INBOX.sub"').expectMailbox(), 'INBOX.sub');
    assert.equal(decoder('foo/%*]').expectListMailbox(), 'foo/%*]');
    assert.equal(decoder('""').expectListMailbox(), '');
  });

  it('parses lists, flags and nesting limits', () => {
    const d = decoder('(\\Seen $Junk \\*)');
    const flags: string[] = [];
    d.expectList(() => void flags.push(d.expectFlag({ allowWildcard: true })));
    assert.deepEqual(flags, ['\\Seen', '$Junk', '\\*']);
    assert.deepEqual(decoder('()').expectFlagList(), []);
    assert.deepEqual(decoder('\\Seen foo').expectFlags(), ['\\Seen', 'foo']);
    const deep = new Decoder(Buffer.from(`${'('.repeat(40)}x${')'.repeat(40)}`), { maxDepth: 32 });
    const nest = (): void => {
      if (deep.peek('(')) deep.expectList(nest);
      else deep.expectAtom();
    };
    nest();
    assert.equal(deep.error, 'Too deeply nested');
  });

  it('parses sequence sets', () => {
    assert.deepEqual(decoder('1,3:5,*,7:*').expectSequenceSet(), [
      { from: 1, to: 1 },
      { from: 3, to: 5 },
      { from: LAST, to: LAST },
      { from: 7, to: LAST },
    ]);
    for (const bad of ['0', '1:', ',1', '1,,2', 'x']) assert.ok(decoder(bad).expectSequenceSet().length === 0, bad);
  });

  it('parses date-time and date', () => {
    assert.equal(decoder('"01-Jan-2024 10:00:00 +0000"').expectDateTime().toISOString(), '2024-01-01T10:00:00.000Z');
    assert.equal(decoder('" 1-Feb-2024 10:00:00 -0130"').expectDateTime().toISOString(), '2024-02-01T11:30:00.000Z');
    assert.deepEqual(decoder('5-mar-2023').expectDate(), { year: 2023, month: 3, day: 5 });
    assert.deepEqual(decoder('"05-Mar-2023"').expectDate(), { year: 2023, month: 3, day: 5 });
    for (const bad of ['"31-Feb-2024 10:00:00 +0000"', '"01-Foo-2024 10:00:00 +0000"', '"01-Jan-2024 25:00:00 +0000"', '01-Jan-2024']) {
      const d = decoder(bad);
      d.expectDateTime();
      assert.ok(d.failed, bad);
    }
  });

  it('reads tags without "+"', () => {
    assert.equal(decoder('a1 NOOP').expectTag(), 'a1');
    const d = decoder('+ NOOP');
    d.expectTag();
    assert.ok(d.failed);
  });
});

describe('Encoder', () => {
  const encode = (build: (e: Encoder) => void): string => {
    const e = new Encoder();
    build(e);
    return e.toBuffer().toString('latin1');
  };

  it('chooses atom, quoted or literal', () => {
    assert.equal(encode((e) => e.astring('INBOX')), 'INBOX');
    assert.equal(encode((e) => e.astring('nil')), '"nil"');
    assert.equal(encode((e) => e.astring('')), '""');
    assert.equal(encode((e) => e.astring('a b')), '"a b"');
    assert.equal(encode((e) => e.string('say "hi" \\')), '"say \\"hi\\" \\\\"');
    assert.equal(encode((e) => e.string('a\r\nb')), '{4}\r\na\r\nb');
    assert.equal(encode((e) => e.string('Grüße')), '{7}\r\nGr\xc3\xbc\xc3\x9fe');
    assert.equal(encode((e) => e.string('x'.repeat(2000))).slice(0, 8), '{2000}\r\n');
    assert.equal(encode((e) => e.nstring(undefined)), 'NIL');
    assert.equal(encode((e) => e.list(['a', 'b c'], (item, enc) => void enc.astring(item))), '(a "b c")');
    assert.ok(!isAtom('a%b') && !isAtom('a(b') && isAtom('a]b'));
  });

  it('never sends NUL in a normal literal, but keeps it in literal8', () => {
    assert.equal(encode((e) => e.string(Buffer.from([0x61, 0, 0x62]))), '{3}\r\na\x80b');
    assert.equal(encode((e) => e.literal(Buffer.from([0x61, 0]), { binary: true })), '~{2}\r\na\0');
  });

  it('round-trips any string through the decoder', () => {
    for (const value of ['', 'plain', 'with space', 'quote"back\\', 'tab\there', 'Grüße', 'line\nbreak', 'NIL', '{5}']) {
      const d = decoder(new Encoder().astring(value).toBuffer());
      assert.equal(d.expectAstringText(), value);
      d.expectEnd();
      assert.equal(d.error, undefined, value);
    }
  });
});

describe('sequence sets', () => {
  const uids = [3, 5, 6, 10, 20];
  const messages = { count: uids.length, uid: (seq: number): number => uids[seq - 1] ?? 0 };

  it('resolves sequence numbers', () => {
    assert.deepEqual(resolveSequenceNumbers([{ from: 2, to: LAST }], 5), [2, 3, 4, 5]);
    assert.deepEqual(resolveSequenceNumbers([{ from: LAST, to: 3 }, { from: 1, to: 1 }], 5), [1, 3, 4, 5]);
    assert.equal(resolveSequenceNumbers([{ from: 6, to: 6 }], 5), undefined);
    assert.deepEqual(resolveSequenceNumbers([{ from: 1, to: LAST }], 0), []);
  });

  it('resolves UIDs, skipping missing ones, with n:* reaching the last message', () => {
    assert.deepEqual(resolveUids([{ from: 4, to: 10 }], messages), [2, 3, 4]);
    assert.deepEqual(resolveUids([{ from: 100, to: LAST }], messages), [5]);
    assert.deepEqual(resolveUids([{ from: 7, to: 9 }], messages), []);
    assert.deepEqual(resolveUids([{ from: 1, to: LAST }], { count: 0, uid: () => 0 }), []);
  });

  it('formats sets', () => {
    assert.equal(formatSequenceSet([5, 1, 2, 3, 9, 10, 3]), '1:3,5,9:10');
    assert.deepEqual(formatUidPairs([1, 2, 3, 7], [10, 11, 13, 14]), ['1:2,3,7', '10:11,13,14']);
  });
});

describe('CommandReader', () => {
  function setup(input: string[], limit = 100): { reader: CommandReader; hooks: ReaderHooks; sent: string[]; feed: (text: string) => void; hangUp: () => void } {
    const sent: string[] = [];
    const stream = new Duplex({ read() {}, write(chunk, _encoding, done) { sent.push(String(chunk)); done(); } });
    const connection = Connection.fromStream(stream);
    const reader = new CommandReader(new InputReader(connection), 64, 1000);
    const feed = (text: string): void => void stream.push(Buffer.from(text, 'latin1'));
    for (const text of input) feed(text);
    const hooks: ReaderHooks = {
      policyFor: (line) => ({ limit, tooBig: line.includes('APPEND') ? 'no' : 'bad' }),
      continueLiteral: async () => void sent.push('+'),
    };
    return { reader, hooks, sent, feed, hangUp: () => void stream.push(null) };
  }

  it('assembles literals, continuing synchronising ones only', async () => {
    const { reader, hooks, sent } = setup(['a LOGIN {4}\r\n', 'fred {3+}\nabc\r\n']);
    const result = await reader.read(hooks);
    assert.equal(result.kind, 'command');
    assert.equal(result.kind === 'command' && result.data.toString(), 'a LOGIN {4}\r\nfred {3+}\r\nabc');
    assert.deepEqual(sent, ['+']);
  });

  it('refuses a too-big literal before the continuation', async () => {
    const { reader, hooks, sent } = setup(['a APPEND x {500}\r\n', 'b NOOP\r\n'], 100);
    const result = await reader.read(hooks);
    assert.deepEqual(result, { kind: 'literal-too-big', tag: 'a', policy: { limit: 100, tooBig: 'no' }, cutOff: false });
    assert.deepEqual(sent, []);
    const next = await reader.read(hooks);
    assert.equal(next.kind === 'command' && next.data.toString(), 'b NOOP');
  });

  it('swallows a too-big non-synchronising literal', async () => {
    const { reader, hooks } = setup([`a SEARCH TEXT {150+}\r\n${'x'.repeat(150)} {3+}\r\nabc\r\nb NOOP\r\n`], 100);
    assert.equal((await reader.read(hooks)).kind, 'literal-too-big');
    const next = await reader.read(hooks);
    assert.equal(next.kind === 'command' && next.data.toString(), 'b NOOP');
  });

  it('reports over-long lines with the tag and carries on', async () => {
    const { reader, hooks } = setup([`t1 NOOP ${'x'.repeat(100)}\r\nb NOOP\r\n`]);
    const result = await reader.read(hooks);
    assert.equal(result.kind, 'line-too-long');
    assert.equal((await reader.read(hooks)).kind, 'command');
  });

  it('runs nothing of a too-big non-synchronising literal cut short by a hangup (found by the protocol fuzzer)', async () => {
    const { reader, hooks, hangUp } = setup([`a SEARCH TEXT {999+}\r\n${'x'.repeat(150)}\r\nb DELETE saved\r\n`], 100);
    hangUp();
    assert.equal((await reader.read(hooks)).kind, 'literal-too-big');
    assert.deepEqual(await reader.read(hooks), { kind: 'end' });
  });

  it('cuts off, unread, a non-synchronising literal too big even to read past', async () => {
    const { reader, hooks } = setup([`a APPEND x {2147483648+}\r\n${'x'.repeat(150)}\r\nb NOOP\r\n`], 100);
    assert.deepEqual(await reader.read(hooks), { kind: 'literal-too-big', tag: 'a', policy: { limit: 100, tooBig: 'no' }, cutOff: true });
  });

  it('stops reading a line that goes on past the limit without waiting for its end', async () => {
    const { reader, hooks, feed } = setup([]);
    const pending = reader.read(hooks);
    feed(`t1 NOOP ${'x'.repeat(200)}`);
    assert.deepEqual(await pending, { kind: 'line-too-long', tag: 't1' });
  });

  it('takes no tag from an over-long line that continues a command after a literal (found by the protocol fuzzer)', async () => {
    const { reader, hooks } = setup([`a{3}\r\n SEL ${'x'.repeat(200)}\r\nb NOOP\r\n`]);
    assert.deepEqual(await reader.read(hooks), { kind: 'line-too-long', tag: undefined });
  });

  it('answers an over-long line whose tag was cut with no tag (found by the protocol fuzzer)', async () => {
    const { reader, hooks } = setup([`${'x'.repeat(200)}\r\nb NOOP\r\n`]);
    assert.deepEqual(await reader.read(hooks), { kind: 'line-too-long', tag: undefined });
  });
});
