// After the load: every mailbox of every user read through the library,
// each message compared byte for byte with the ledger and counted, and no
// lock left behind (dot-locks beside the mailboxes, UW's session lock in /tmp).
import { readdirSync } from 'node:fs';
import type { Config } from '../../../lib/config/config';
import { openMailStore } from '../../../lib/mail/store';
import type { MailUser } from '../../../lib/mail/types';
import { FOLDERS, messageIdOf, type Ledger } from './load-ledger';
import { sessionLockHeld } from './session-lock';

export interface Verdict {
  readonly messages: number;
  readonly doubtful: number;
  readonly problems: string[];
}

export async function verifyMailboxes(users: readonly MailUser[], config: Config, ledger: Ledger, spool: string): Promise<Verdict> {
  const problems: string[] = [];
  let messages = 0;
  let doubtful = 0;
  for (const user of users) {
    const store = openMailStore(user, config);
    for (const folder of FOLDERS) {
      const box = await store.open(folder, { readOnly: true });
      const found = new Map<string, number>();
      for (let seq = 1; seq <= box.count; seq++) {
        const data = await box.read(seq);
        const id = messageIdOf(data.toString('latin1'));
        messages += 1;
        if (!id || !ledger.text(id)) {
          problems.push(`${user.name}/${folder} ${seq}: a message nobody stored (${id})`);
          continue;
        }
        found.set(id, (found.get(id) ?? 0) + 1);
        if (!data.equals(ledger.text(id) ?? Buffer.alloc(0))) problems.push(`${user.name}/${folder}: ${id} differs from what was stored`);
      }
      await box.close({ expunge: false });
      const ids = new Set([...found.keys(), ...ledger.expected(user.name, folder).keys()]);
      for (const id of ids) {
        const want = ledger.expected(user.name, folder).get(id) ?? 0;
        const have = found.get(id) ?? 0;
        if (ledger.isDoubtful(id)) doubtful += 1;
        else if (want !== have) problems.push(`${user.name}/${folder}: ${id} is there ${have} times, expected ${want}`);
      }
      const path = folder === 'INBOX' ? `${spool}/${user.name}` : `${user.home}/${folder}`;
      if (sessionLockHeld(path)) problems.push(`${user.name}/${folder}: session lock still held`);
    }
  }
  for (const directory of [spool, ...users.map((user) => user.home)]) {
    for (const name of readdirSync(directory)) if (name.endsWith('.lock')) problems.push(`dot-lock left behind: ${directory}/${name}`);
  }
  return { messages, doubtful, problems };
}
