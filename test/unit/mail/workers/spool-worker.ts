// Runs as an ordinary user against a spool directory that user cannot
// write (Debian's /var/mail): takes the mailbox lock (through UW's mlock
// helper), then works on INBOX. Prints one line per step for the test.
// Usage: spool-worker.ts SPOOL HOME USER (steps on stdin: "lock", "release",
// "open", "poll", "flag", "expunge", "close").
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../../lib/config/config';
import { closeLog } from '../../../../lib/log/syslog';
import { withMailboxLock, DEFAULT_LOCK_SETTINGS } from '../../../../lib/mail/lock/mailbox-lock';
import { openShared } from '../../../../lib/mail/mbox/shared-file';
import { openMailStore } from '../../../../lib/mail/store';
import type { Mailbox } from '../../../../lib/mail/types';

const [spool = '', home = '', user = ''] = process.argv.slice(2);
const store = openMailStore(
  { name: user, home, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${spool}`] }),
);
let box: Mailbox | undefined;
let release: (() => void) | undefined;
const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

async function step(command: string): Promise<void> {
  if (command === 'lock') {
    const file = openShared(`${spool}/${user}`);
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    void withMailboxLock(file, 'write', DEFAULT_LOCK_SETTINGS, async () => {
      say('locked');
      await held;
    }).then(() => file.release()).then(() => say('released'));
  } else if (command === 'release') {
    release?.();
  } else if (command === 'open') {
    box = await store.open('INBOX', { readOnly: false });
    box.setListener({ exists: (count) => say(`exists ${count}`), expunged: (seq) => say(`expunged ${seq}`), flagsChanged: () => undefined });
    say(`opened ${box.count} ${box.readOnly ? 'read-only' : 'read-write'}`);
  } else if (command === 'poll') {
    await box?.poll({ allowExpunge: true });
    say(`polled ${box?.count}`);
  } else if (command === 'flag') {
    box?.setFlags([1], 'add', ['\\Deleted']);
    say('flagged');
  } else if (command === 'expunge') {
    await box?.expunge();
    say(`expunged, ${box?.count} left`);
  } else if (command === 'close') {
    await box?.close({ expunge: false });
    closeLog();
    say('closed');
    process.exit(0);
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(() => step(line.trim())).catch((error: Error) => say(`error ${error.message}`));
});
