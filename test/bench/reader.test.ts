// The benchmark's response reader: IMAP literals skipped by count, POP3
// bodies ended only by their terminator, wherever the chunks are cut.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ResponseReader } from '../../bench/reader';

/** Feeds `text` to a new reader in two chunks cut at `cut`. */
function readerFor(text: string, cut: number): ResponseReader {
  const stream = new PassThrough();
  const reader = new ResponseReader(stream);
  const bytes = Buffer.from(text, 'latin1');
  stream.write(bytes.subarray(0, cut));
  setImmediate(() => stream.end(bytes.subarray(cut)));
  return reader;
}

const IMAP = [
  '* 1 FETCH (ENVELOPE ("date" {12}\r\nb1 OK fooled NIL))\r\n',
  '* 2 FETCH (BODY[] {9}\r\nb1 OK no\n)\r\n',
  '* SEARCH 1 2\r\n',
  'b1 OK FETCH completed\r\n',
  'b2 OK later\r\n',
].join('');

const POP3 = '+OK 2 messages\r\nline one\r\n..dot stuffed\r\n.\r\n+OK\r\n.\r\n+OK next\r\n';

describe('bench response reader', () => {
  it('finds the tagged IMAP response past literals, wherever the input is cut', async () => {
    for (let cut = 0; cut <= IMAP.length; cut++) {
      const seen: string[] = [];
      const reader = readerFor(IMAP, cut);
      assert.equal(await reader.untilTagged('b1', (line) => seen.push(line)), 'b1 OK FETCH completed', `cut at ${cut}`);
      assert.ok(seen.includes('* SEARCH 1 2'));
      assert.equal(await reader.line(), 'b2 OK later');
    }
  });

  it('skips POP3 multi-line bodies, empty ones included, wherever the input is cut', async () => {
    for (let cut = 0; cut <= POP3.length; cut++) {
      const reader = readerFor(POP3, cut);
      assert.equal(await reader.line(), '+OK 2 messages');
      assert.equal(await reader.multiline(), 'line one\r\n..dot stuffed\r\n'.length, `cut at ${cut}`);
      assert.equal(await reader.line(), '+OK');
      assert.equal(await reader.multiline(), 0);
      assert.equal(await reader.line(), '+OK next');
    }
  });

  it('shows long untagged lines whole', async () => {
    const numbers = Array.from({ length: 5000 }, (_, index) => index + 1).join(' ');
    const reader = readerFor(`* SEARCH ${numbers}\r\nb1 OK SEARCH completed\r\n`, 1000);
    const seen: string[] = [];
    await reader.untilTagged('b1', (line) => seen.push(line));
    assert.ok(seen[0] === `* SEARCH ${numbers}`, 'the whole SEARCH line');
  });

  it('rejects when the server closes before the answer', async () => {
    const reader = readerFor('* OK partial\r\n', 3);
    await assert.rejects(reader.untilTagged('b1'), /closed/);
  });
});
