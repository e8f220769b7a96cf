// A Berkeley mbox reader that shares no code with lib/mail: it splits a
// file at UW-style From lines (after a blank line) and drops the status
// headers a server adds, moves or changes, so that every message can be
// compared with its original byte for byte, and garbage left by a broken
// rewrite (zeros, NULs, a torn message) shows up as an unknown message.
import { createHash } from 'node:crypto';

const FROM_LINE = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d(?::\d\d)? /;
const STATUS_HEADER = /^(?:status|x-status|x-keywords|x-uid|x-imapbase|x-imap|content-length):/i;
const PSEUDO_MESSAGE = /^X-IMAP: /m;

export interface RawMailbox {
  /** Digest of each message (From line, header without status headers, body), in file order. */
  readonly digests: readonly string[];
  /** Whether the file starts with UW's pseudo-message (folder data, never a message). */
  readonly pseudo: boolean;
}

export function readRawMailbox(data: Buffer): RawMailbox {
  const text = data.toString('latin1');
  const starts: number[] = [];
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at);
    const next = end < 0 ? text.length : end + 1;
    const afterBlankLine = at <= 1 || text[at - 2] === '\n';
    if (afterBlankLine && FROM_LINE.test(text.slice(at, Math.min(next, at + 200)))) {
      starts.push(at);
    }
    at = next;
  }
  const digests: string[] = [];
  let pseudo = false;
  if (text.length > 0 && starts[0] !== 0) digests.push(digestOf(text.slice(0, starts[0] ?? text.length)));
  starts.forEach((start, index) => {
    const chunk = text.slice(start, starts[index + 1] ?? text.length);
    if (index === 0 && PSEUDO_MESSAGE.test(chunk.slice(0, chunk.indexOf('\n\n') + 1))) pseudo = true;
    else digests.push(digestOf(withoutStatusHeaders(chunk)));
  });
  return { digests, pseudo };
}

function withoutStatusHeaders(chunk: string): string {
  const headerEnd = chunk.indexOf('\n\n');
  const header = headerEnd < 0 ? chunk : chunk.slice(0, headerEnd + 1);
  const kept = header.split('\n').filter((line) => !STATUS_HEADER.test(line));
  return kept.join('\n') + (headerEnd < 0 ? '' : chunk.slice(headerEnd + 1));
}

function digestOf(text: string): string {
  return createHash('sha1').update(text, 'latin1').digest('hex');
}
