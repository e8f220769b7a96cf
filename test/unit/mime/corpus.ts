// The reference corpus split the way UW's unix driver serves it: one
// message per From line, LF turned into CRLF, the file's final blank line
// dropped, and UW's own Status: header hidden. Plus both servers' answers to
// FETCH 1:* (UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../helpers/paths';

export function corpusMessages(): Buffer[] {
  const text = readFileSync(join(FIXTURES, 'corpus.mbox'), 'latin1').replace(/\n\n$/, '\n');
  return text.split(/\n(?=From )/).map((entry) => {
    const message = entry.slice(entry.indexOf('\n') + 1);
    const headerEnd = message.indexOf('\n\n');
    const header = message.slice(0, headerEnd).replace(/^Status: .*\n/m, '');
    return Buffer.from(`${header}${message.slice(headerEnd)}`.replace(/\n/g, '\r\n'), 'latin1');
  });
}

/** `ENVELOPE (…) BODYSTRUCTURE (…)` of every message, by sequence number. */
export function referenceAnswers(server: 'uw' | 'dovecot'): Map<number, string> {
  const answers = new Map<number, string>();
  for (const line of readFileSync(join(FIXTURES, `corpus.${server}.fetch.txt`), 'utf8').split('\n')) {
    const match = /^\* (\d+) FETCH \(.*?(ENVELOPE .*)\)$/.exec(line);
    if (match) answers.set(Number(match[1]), match[2] as string);
  }
  return answers;
}
