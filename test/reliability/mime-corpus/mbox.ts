// The corpus as a delivery agent would leave it in a Berkeley mbox, and
// each message as the server must serve it.
import type { CorpusMessage } from './messages';

const FROM_LINE = 'From corpus@example.org Mon Jan  1 10:00:00 2024\n';
const LF = 0x0a;

/**
 * The message as stored: a final line end added when missing (as an MDA
 * does), and body lines starting "From " quoted as ">From ".
 */
export function stored(message: CorpusMessage): Buffer {
  const data = message.data.length > 0 && message.data[message.data.length - 1] !== LF ? Buffer.concat([message.data, Buffer.from('\n')]) : message.data;
  const text = data.toString('latin1');
  return Buffer.from(text.replace(/(^|\n)From /g, '$1>From '), 'latin1');
}

/** One mbox holding every message, each after a From line and followed by a blank line. */
export function toMbox(messages: readonly CorpusMessage[]): Buffer {
  return Buffer.concat(messages.flatMap((message) => [Buffer.from(FROM_LINE), stored(message), Buffer.from('\n')]));
}

/**
 * What the server serves for a stored message: every LF not after a CR
 * becomes CRLF. A message without an empty line is all header, and then the
 * blank line that separates it from the next message in the file ends that
 * header (an mbox cannot tell them apart), so it is served too.
 */
export function served(message: CorpusMessage): Buffer {
  const text = stored(message).toString('latin1');
  const separator = /(^|\n)\r?\n/.test(text) ? '' : '\n';
  return Buffer.from(`${text}${separator}`.replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
}
