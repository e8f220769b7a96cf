// InputReader: line ends, and the line limit whether the long line arrives
// in pieces or whole.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PassThrough, Duplex } from 'node:stream';
import { Connection } from '../../../lib/net/connection';
import { InputReader, LineTooLongError } from '../../../lib/net/input';

function reader(): { input: InputReader; feed: PassThrough } {
  const feed = new PassThrough();
  const connection = Connection.fromStream(Duplex.from({ readable: feed, writable: new PassThrough() }));
  return { input: new InputReader(connection), feed };
}

it('returns lines ended by CRLF or bare LF', async () => {
  const { input, feed } = reader();
  feed.end('one\r\ntwo\nthree');
  assert.equal((await input.line(100))?.toString(), 'one');
  assert.equal((await input.line(100))?.toString(), 'two');
  assert.equal(await input.line(100), undefined);
});

it('refuses an over-long line that arrives whole, then carries on', async () => {
  const { input, feed } = reader();
  feed.write(`${'x'.repeat(50)}\r\nnext\r\n`);
  await assert.rejects(input.line(10), LineTooLongError);
  assert.equal((await input.line(10))?.toString(), 'next');
});

it('refuses an over-long line that arrives in pieces', async () => {
  const { input, feed } = reader();
  const pending = input.line(10);
  for (let index = 0; index < 5; index++) feed.write('xxxxxxxxxx');
  feed.write('\nok\n');
  await assert.rejects(pending, LineTooLongError);
  assert.equal((await input.line(10))?.toString(), 'ok');
});

it('accepts a line of exactly the limit with CRLF', async () => {
  const { input, feed } = reader();
  feed.write(`${'y'.repeat(10)}\r\n`);
  assert.equal((await input.line(10))?.toString(), 'y'.repeat(10));
});

it('gives up at once on a line that runs past the skip limit, leaving the rest unread', async () => {
  const { input, feed } = reader();
  const pending = input.line(10, 10);
  feed.write('x'.repeat(25));
  const error = await pending.catch((caught: unknown) => caught);
  assert.ok(error instanceof LineTooLongError);
  assert.equal(error.whole, false);
  assert.equal(error.head.toString(), 'x'.repeat(25));
});

it('assembles a big counted run from many chunks, and reports an end inside it', async () => {
  const { input, feed } = reader();
  const pending = input.bytes(1024 * 1024);
  for (let index = 0; index < 256; index++) feed.write(Buffer.alloc(4096, index % 251));
  feed.write('tail\n');
  const data = await pending;
  assert.equal(data?.length, 1024 * 1024);
  assert.equal(data?.[4096 * 255], 255 % 251);
  assert.equal((await input.line(10))?.toString(), 'tail');
  const short = input.bytes(1024 * 1024);
  feed.end(Buffer.alloc(1000));
  assert.equal(await short, undefined);
});
