// A message as clients see it, cut from its raw bytes in the file: the
// header without the store's headers, then the text, both in CRLF form.
import type { MessageIndex } from './message-index';
import { toCrlf, withoutStoreHeaders } from './serialize';

/** `raw` is the file from the row's From line to the end of its text. */
export function servedMessage(raw: Buffer, index: MessageIndex, row: number): Buffer {
  const start = index.startOf(row);
  const header = raw.subarray(index.headerStartOf(row) - start, index.bodyStartOf(row) - start);
  const body = raw.subarray(index.bodyStartOf(row) - start);
  const bodyLength = index.servedSize(row) - index.servedHeaderSize(row);
  return Buffer.concat([toCrlf(withoutStoreHeaders(header)), toCrlf(body, bodyLength)]);
}

export function servedHeader(raw: Buffer, index: MessageIndex, row: number): Buffer {
  const start = index.startOf(row);
  return toCrlf(withoutStoreHeaders(raw.subarray(index.headerStartOf(row) - start, index.bodyStartOf(row) - start)));
}
