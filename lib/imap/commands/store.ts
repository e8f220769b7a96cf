// STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS, each with
// .SILENT. Without .SILENT every named message's flags come back as
// untagged FETCH (with its UID for UID STORE), as UW answers.
import type { FlagMode } from '../../mail/types';
import { SELECTED, defineCommand, type Command } from '../command';
import type { SequenceSet } from '../wire/sequence';
import { storableFlags } from './flags';

const MODES: Readonly<Record<string, FlagMode>> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

interface StoreArguments {
  readonly set: SequenceSet;
  readonly mode: FlagMode;
  readonly silent: boolean;
  readonly flags: readonly string[];
}

function storeLike(name: 'STORE' | 'UID STORE'): Command {
  const byUid = name === 'UID STORE';
  return defineCommand({
    name,
    states: SELECTED,
    usesSequenceNumbers: !byUid,
    parse(d): StoreArguments {
      d.expectSP();
      const set = d.expectSequenceSet();
      d.expectSP();
      const item = d.expectAtom().toUpperCase();
      const silent = item.endsWith('.SILENT');
      const mode = MODES[silent ? item.slice(0, -'.SILENT'.length) : item];
      if (!mode) d.fail(`Invalid STORE item ${item}`);
      d.expectSP();
      const flags = d.expectFlags();
      return { set, mode: mode ?? 'add', silent, flags };
    },
    async run(session, { set, mode, silent, flags }) {
      const selected = session.mailbox;
      const seqs = selected.resolve(set, byUid);
      const wanted = storableFlags(flags);
      if (seqs.length === 0) return;
      const changed = selected.mailbox.setFlags(seqs, mode, wanted);
      selected.forgetFlagChanges(changed);
      for (const line of selected.keywordUpdates()) session.untagged(line);
      if (silent) return;
      for (const seq of seqs) {
        const uid = byUid ? `UID ${selected.mailbox.uid(seq)} ` : '';
        session.untagged(`${seq} FETCH (${uid}FLAGS ${selected.flagList(seq)})`);
      }
    },
  });
}

export const storeFlagsCommand = storeLike('STORE');
export const uidStoreCommand = storeLike('UID STORE');
