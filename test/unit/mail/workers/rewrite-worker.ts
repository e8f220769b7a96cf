// Crash-test worker: keeps changing one mailbox (flags that fit in place,
// flags that force a tail rewrite, expunges) until it is killed. Messages
// whose subject ends in "deletable" are the only ones it ever expunges.
// Usage: rewrite-worker.ts HOME SPOOL MAILBOX SEED
import { loadConfig } from '../../../../lib/config/config';
import { openMailStore } from '../../../../lib/mail/store';
import { userInfo } from 'node:os';

const [home = '', spool = '', mailbox = '', seedText = '1'] = process.argv.slice(2);
let seed = Number(seedText) || 1;
const random = (limit: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % limit;
};

async function main(): Promise<void> {
  const store = openMailStore(
    { name: 'tester', home, uid: userInfo().uid, gid: userInfo().gid },
    loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${spool}`] }),
  );
  const box = await store.open(mailbox, { readOnly: false });
  process.stdout.write('ready\n');
  // Rewrite after rewrite, so that a kill lands in one as often as possible.
  for (;;) {
    for (let round = 0; round < 5 && box.count > 0; round++) {
      const seq = 1 + random(box.count);
      const kind = random(4);
      if (kind === 0) box.setFlags([seq], 'add', ['\\Seen', '\\Flagged']);
      else if (kind === 1) box.setFlags([seq], 'replace', Array.from({ length: 1 + random(12) }, (_, n) => `Tag${n}`));
      else if (kind === 2) box.setFlags([seq], 'remove', ['\\Seen', 'Tag1', 'Tag2']);
      else {
        const header = (await box.readHeader(seq)).toString('latin1');
        if (/^Subject: .*deletable/m.test(header)) box.setFlags([seq], 'add', ['\\Deleted']);
        await box.expunge();
      }
      await box.checkpoint();
    }
    await box.poll({ allowExpunge: true });
  }
}

main().catch((error) => {
  process.stdout.write(`error ${(error as Error).message}\n`);
  process.exit(1);
});
