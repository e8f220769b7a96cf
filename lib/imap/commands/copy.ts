// COPY and UID COPY (RFC 3501 §6.4.7) with UIDPLUS's COPYUID; the shape
// they share with MOVE (a set, a destination, TRYCREATE) lives here too.
import type { CopyResult } from '../../mail/types';
import { SELECTED, defineCommand, type Command, type Completion } from '../command';
import type { Session } from '../session';
import { formatUidPairs } from '../wire/sequence';
import { withTryCreate } from './trycreate';

/** `COPYUID <validity> <source uids> <destination uids>` (RFC 4315). */
export function copyUidCode(result: CopyResult): string {
  const [sources, destinations] = formatUidPairs(result.sourceUids, result.destinationUids);
  return `COPYUID ${result.uidValidity} ${sources} ${destinations}`;
}

/**
 * A `sequence-set SP mailbox` command and its UID form. `transfer` gets the
 * (non-empty) sequence numbers and copies them; a missing destination is
 * answered with TRYCREATE.
 */
export function transferCommand(name: string, transfer: (session: Session, seqs: number[], destination: string) => Promise<CopyResult>, completion: (result: CopyResult) => Completion): Command[] {
  return [false, true].map((byUid) =>
    defineCommand({
      name: byUid ? `UID ${name}` : name,
      states: SELECTED,
      usesSequenceNumbers: !byUid,
      parse(d) {
        d.expectSP();
        const set = d.expectSequenceSet();
        d.expectSP();
        const destination = d.expectMailbox();
        return { set, destination };
      },
      async run(session, { set, destination }) {
        const seqs = session.mailbox.resolve(set, byUid);
        if (seqs.length === 0) return;
        return completion(await withTryCreate(() => transfer(session, seqs, destination)));
      },
    }),
  );
}

export const [copyCommand, uidCopyCommand] = transferCommand(
  'COPY',
  (session, seqs, destination) => session.mailbox.mailbox.copy(seqs, destination),
  (result) => ({ code: copyUidCode(result) }),
) as [Command, Command];
