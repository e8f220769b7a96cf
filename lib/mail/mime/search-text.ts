// Decoded text of a message for SEARCH: header values with RFC 2047 words
// decoded, and the content of text parts with their transfer encoding and
// charset undone. Everything else (images, archives) holds no searchable text.
import { bytesToText } from './bytes';
import { decodeCharset } from './charset';
import { paramValue } from './content';
import { decodeEncodedWords } from './encoded-word';
import { fieldValue, fieldValues, readHeader } from './header';
import type { MimePart } from './structure';
import { decodeTransfer } from './transfer';

/** Decoded values of the fields called `name` (lower case) in a part's header. */
export function headerTexts(message: Buffer, part: MimePart, name: string): string[] {
  return fieldValues(message, readHeader(message, part.header.start, part.header.end), name).map(decodeEncodedWords);
}

/**
 * The whole header as decoded text, one field per line (SEARCH TEXT). Lines
 * that belong to no field (no colon, a continuation before the first field)
 * are still header text, so they are kept as written.
 */
export function headerText(message: Buffer, part: MimePart): string {
  const lines: string[] = [];
  const stray = (start: number, end: number): void => {
    const text = bytesToText(message, start, end).replace(/[\r\n]+$/, '');
    if (text !== '') lines.push(text);
  };
  let at = part.header.start;
  for (const field of readHeader(message, part.header.start, part.header.end).fields) {
    stray(at, field.start);
    lines.push(`${field.name}: ${decodeEncodedWords(fieldValue(message, field))}`);
    at = field.end;
  }
  stray(at, part.header.end);
  return lines.join('\n');
}

/**
 * Decoded text of every text part, depth first, including those of
 * encapsulated messages (whose headers count as text too).
 */
export function* bodyTexts(message: Buffer, part: MimePart): Generator<string> {
  if (part.kind === 'multipart') {
    for (const child of part.parts) yield* bodyTexts(message, child);
    return;
  }
  if (part.kind === 'message' && part.message !== undefined) {
    yield headerText(message, part.message);
    yield* bodyTexts(message, part.message);
    return;
  }
  if (part.type.toLowerCase() !== 'text') return;
  const raw = message.subarray(part.body.start, part.body.end);
  const decoded = decodeTransfer(raw, part.encoding) ?? raw;
  yield decodeCharset(decoded, paramValue(part.params, 'charset'));
}
