// The benchmark's mail generator: same seed, same bytes; a valid mbox with
// the requested number of messages; MIME that a real parser reads back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { cachedMbox, generateMbox, generateMessages, isMarked, SEARCH_ABSENT, SEARCH_PRESENT } from '../../bench/generate';

const FROM_LINE = /^From \S+ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/** Splits an mbox the simple way: a From line at the start or after a blank line. */
function splitMbox(mbox: Buffer): string[] {
  const text = mbox.toString('latin1');
  assert.ok(text.startsWith('From '), 'an mbox starts with a From line');
  return text.slice(0, -1).split(/\n\n(?=From )/);
}

describe('bench mail generator', () => {
  it('gives the same bytes for the same seed and different bytes for another', () => {
    const first = generateMbox({ seed: 7, count: 150 });
    assert.ok(first.equals(generateMbox({ seed: 7, count: 150 })));
    assert.ok(!first.equals(generateMbox({ seed: 8, count: 150 })));
  });

  it('keeps the first messages when the count grows', () => {
    const small = generateMbox({ seed: 3, count: 40 });
    assert.ok(generateMbox({ seed: 3, count: 80 }).subarray(0, small.length).equals(small));
  });

  it('writes a valid mbox with the requested number of messages', () => {
    const entries = splitMbox(generateMbox({ seed: 11, count: 300 }));
    assert.equal(entries.length, 300);
    for (const entry of entries) {
      const [fromLine = '', ...rest] = entry.split('\n');
      assert.match(fromLine, FROM_LINE);
      assert.ok(!rest.some((line) => line.startsWith('From ')), 'body lines starting "From " are quoted');
      assert.match(entry, /\nMessage-ID: <[^>]+>\n/);
    }
    assert.ok(entries.some((entry) => /\n>From /.test(entry)), 'some messages carry a quoted >From line');
  });

  it('averages about 10 KB a message with a realistic mix', () => {
    let bytes = 0;
    let replies = 0;
    let attachments = 0;
    let forwards = 0;
    let alternatives = 0;
    const charsets = new Set<string>();
    const count = 2000;
    for (const message of generateMessages({ seed: 1, count })) {
      const text = message.data.toString('latin1');
      bytes += message.data.length;
      if (message.inReplyTo) replies++;
      if (text.includes('Content-Disposition: attachment')) attachments++;
      if (text.includes('message/rfc822')) forwards++;
      if (text.includes('multipart/alternative')) alternatives++;
      for (const match of text.matchAll(/charset="([^"]+)"/g)) charsets.add(match[1] ?? '');
      assert.ok(!text.includes(SEARCH_ABSENT));
    }
    const average = bytes / count;
    assert.ok(average > 7000 && average < 14000, `average ${average} bytes`);
    for (const share of [replies, attachments, forwards, alternatives]) assert.ok(share > count * 0.03);
    for (const charset of ['us-ascii', 'utf-8', 'iso-8859-1', 'koi8-r', 'shift_jis']) assert.ok(charsets.has(charset), charset);
  });

  it('produces MIME that a parser reads back, with the search word where promised', async () => {
    let marked = 0;
    for (const message of generateMessages({ seed: 5, count: 200 })) {
      const parsed = await simpleParser(message.data);
      assert.equal(parsed.messageId, message.messageId);
      assert.ok(!/=\?/.test(parsed.subject ?? ''), `decoded subject: ${parsed.subject}`);
      const words = `${parsed.text ?? ''}`.includes(SEARCH_PRESENT);
      assert.equal(words, message.marked, `message ${message.index}`);
      assert.equal(message.marked, isMarked(message.index));
      if (message.marked) marked++;
    }
    assert.equal(marked, 2);
  });

  it('caches generated files by seed and count', () => {
    const directory = mkdtempSync(join(tmpdir(), 'bench-gen-'));
    try {
      const path = cachedMbox({ seed: 2, count: 20 }, directory);
      const modified = statSync(path).mtimeMs;
      assert.equal(cachedMbox({ seed: 2, count: 20 }, directory), path);
      assert.equal(statSync(path).mtimeMs, modified);
      assert.ok(readFileSync(path).equals(generateMbox({ seed: 2, count: 20 })));
      assert.notEqual(cachedMbox({ seed: 2, count: 21 }, directory), path);
    } finally {
      rmSync(directory, { recursive: true });
    }
  });
});
