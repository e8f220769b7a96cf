// A throw-away mail area for mailbox tests: a home directory with a spool
// directory inside it, and a store opened over them.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../lib/config/config';
import { closeLog } from '../../../lib/log/syslog';
import { openMailStore } from '../../../lib/mail/store';
import type { Mailbox, MailboxEvents, MailStore } from '../../../lib/mail/types';
import { FIXTURES } from '../../helpers/paths';

export interface Scratch {
  readonly home: string;
  readonly spool: string;
  readonly inbox: string;
  readonly store: MailStore;
  /** Another store over the same files (another server process, as far as the data goes). */
  another(settings?: readonly string[]): MailStore;
  file(name: string): string;
  read(name: string): Buffer;
  write(name: string, content: string | Buffer): void;
  fixture(fixture: string, name: string): void;
  remove(): void;
}

export function scratch(settings: readonly string[] = []): Scratch {
  const home = mkdtempSync(join(tmpdir(), 'mailtest-'));
  const spool = join(home, 'spool');
  mkdirSync(spool);
  const user = { name: 'tester', home, uid: userInfo().uid, gid: userInfo().gid };
  const open = (extra: readonly string[]): MailStore =>
    openMailStore(user, loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${spool}`, ...settings, ...extra] }));
  return {
    home,
    spool,
    inbox: join(spool, 'tester'),
    store: open([]),
    another: (extra = []) => open(extra),
    file: (name) => join(home, name),
    read: (name) => readFileSync(join(home, name)),
    write(name, content) {
      writeFileSync(join(home, name), content, { mode: 0o600 });
    },
    fixture(fixture, name) {
      copyFileSync(join(FIXTURES, fixture), join(home, name));
      chmodSync(join(home, name), 0o600);
    },
    remove() {
      rmSync(home, { recursive: true, force: true });
      // The syslog socket holds the event loop open.
      closeLog();
    },
  };
}

export interface Recorded {
  readonly events: string[];
  readonly listener: MailboxEvents;
}

export function recorder(): Recorded {
  const events: string[] = [];
  return {
    events,
    listener: {
      exists: (count) => events.push(`exists ${count}`),
      expunged: (seq) => events.push(`expunged ${seq}`),
      flagsChanged: (seq) => events.push(`flags ${seq}`),
    },
  };
}

/** Every message as served, with its UID and flags, for comparing mailboxes. */
export async function snapshot(mailbox: Mailbox): Promise<string[]> {
  const out: string[] = [];
  for (let seq = 1; seq <= mailbox.count; seq++) {
    const data = await mailbox.read(seq);
    out.push(`${mailbox.uid(seq)} ${[...mailbox.flags(seq)].sort().join(' ')} ${data.length}\n${data.toString('latin1')}`);
  }
  return out;
}

/** A message as a client would APPEND it. */
export function message(subject: string, body = 'Body text.\r\n', extraHeaders = ''): Buffer {
  return Buffer.from(`From: Someone <someone@example.com>\r\nSubject: ${subject}\r\n${extraHeaders}\r\n${body}`);
}
