// One fuzzing worker's mail area: a spool directory and a home per user
// (home-template .../homes/%u), an imapd.cf, and the original mailboxes that
// every session starts from. After a session the mailboxes are read back
// through the mail library and compared, message by message, with the
// originals: nothing lost, nothing duplicated, nothing unknown, unless the
// session sent a command that may legitimately do that.
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getpwnam } from '../../../lib/auth/passwd';
import { loadConfig } from '../../../lib/config/config';
import { openMailStore } from '../../../lib/mail/store';
import { FIXTURES } from '../../helpers/paths';
import { IS_ROOT } from '../../helpers/require';
import { GOOD_USER, TEST_PASSWORD } from '../../helpers/users';

/** The user of the UW password file (a virtual user owned by `nobody`). */
export const VIRTUAL_USER = 'fuzzer';
export const VIRTUAL_PASSWORD = 'fuzz-pass';
/** The account pre-authenticated imapd sessions run as. */
export const PREAUTH_USER = 'nobody';
export const PAM_USER = GOOD_USER;
export const PAM_PASSWORD = TEST_PASSWORD;
export const FOLDER = 'saved';

const SCRIPTS = join(__dirname, '..', '..', 'protocol', 'imap', 'scripts');
/** tmpfs: restoring the mailboxes before every session costs microseconds there, milliseconds on this disk. */
const SCRATCH = '/dev/shm';

/** Which INBOX a session starts with: a few small messages, or the 68-message broken-MIME corpus. */
export type InboxKind = 'small' | 'corpus';

/** An original mailbox file: its bytes, and its messages as the library serves them. */
export interface Pristine {
  readonly bytes: Buffer;
  readonly messages: readonly string[];
}

export interface Originals {
  readonly inbox: Readonly<Record<InboxKind, Pristine>>;
  readonly folder: Pristine;
}

export interface Permissions {
  /** The session may have removed messages (EXPUNGE, CLOSE, MOVE, DELETE, RENAME, DELE, ACKD). */
  readonly removal: boolean;
  /** The session may have added or copied messages (APPEND, COPY, MOVE, RENAME). */
  readonly addition: boolean;
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

function ownerOf(user: string): Owner {
  const account = getpwnam(user === VIRTUAL_USER ? PREAUTH_USER : user);
  if (!account) throw new Error(`no account ${user}`);
  return { uid: account.uid, gid: account.gid };
}

export class FuzzArea {
  readonly root: string;
  readonly spool: string;
  readonly homes: string;
  readonly configPath: string;
  private readonly sources: Readonly<Record<InboxKind, string>> & { readonly folder: string };
  private readonly owners = new Map<string, Owner>();

  constructor(syslogPath: string, readonly users: readonly string[]) {
    this.root = mkdtempSync(existsSync(SCRATCH) ? `${SCRATCH}/fuzz-area-` : '/tmp/fuzz-area-');
    chmodSync(this.root, 0o755);
    this.spool = join(this.root, 'spool');
    this.homes = join(this.root, 'homes');
    mkdirSync(this.spool, { mode: 0o1777 });
    chmodSync(this.spool, 0o1777);
    mkdirSync(this.homes, { mode: 0o755 });
    const small = join(this.root, 'small.mbox');
    writeFileSync(small, Buffer.concat([join(SCRIPTS, 'select.mbox'), join(SCRIPTS, 'content.mbox')].map((path) => mboxText(path))));
    this.sources = { small, corpus: join(FIXTURES, 'corpus.mbox'), folder: join(FIXTURES, 'session.uw.mbox') };
    writeFileSync(join(this.root, 'cram-md5.pwd'), `${VIRTUAL_USER}\t${VIRTUAL_PASSWORD}\n`, { mode: 0o600 });
    const settings: Record<string, string> = {
      'home-template': join(this.homes, '%u'),
      'spool-directory': this.spool,
      'login-failure-delay': '0',
      'syslog-socket': syslogPath,
      'password-file': join(this.root, 'cram-md5.pwd'),
      'virtual-owner': PREAUTH_USER,
      'cert-directory': join(this.root, 'certs'),
      'key-directory': join(this.root, 'certs'),
      'nologin-file': join(this.root, 'nologin'),
    };
    this.configPath = join(this.root, 'imapd.cf');
    writeFileSync(this.configPath, Object.entries(settings).map(([name, value]) => `set ${name} ${value}\n`).join(''));
    for (const user of users) this.owners.set(user, IS_ROOT ? ownerOf(user) : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
  }

  home(user: string): string {
    return join(this.homes, user);
  }

  /** Puts the users' INBOX and folder back as they were, and removes everything else of theirs. */
  restore(inbox: InboxKind, users: readonly string[]): void {
    for (const name of readdirSync(this.spool)) rmSync(join(this.spool, name), { recursive: true, force: true });
    for (const user of users) {
      const home = this.home(user);
      rmSync(home, { recursive: true, force: true });
      mkdirSync(home, { mode: 0o700 });
      this.own(user, home);
      this.place(user, this.sources[inbox], join(this.spool, user));
      this.place(user, this.sources.folder, join(home, FOLDER));
    }
  }

  /** The originals as the library serves them (read once, from pristine copies). */
  async originals(): Promise<Originals> {
    const user = this.users[0] ?? PREAUTH_USER;
    const read = async (source: string): Promise<Pristine> => {
      this.place(user, source, join(this.spool, user));
      const messages = await this.messagesIn(user, join(this.spool, user));
      if (!messages) throw new Error(`the mail library cannot read ${source}`);
      return { bytes: readFileSync(source), messages };
    };
    const small = await read(this.sources.small);
    const corpus = await read(this.sources.corpus);
    const folder = await read(this.sources.folder);
    return { inbox: { small, corpus }, folder };
  }

  /** What is wrong with `user`'s mailboxes after a session (empty when intact). */
  async verify(user: string, originals: Originals, inbox: InboxKind, allowed: Permissions): Promise<string[]> {
    const problems: string[] = [];
    for (const name of readdirSync(this.spool)) if (name.endsWith('.lock')) problems.push(`stale lock left in the spool: ${name}`);
    const home = this.home(user);
    // INBOX is ~/mbox when that exists (UW's rule); spool mail moves there when it is opened.
    const inboxFiles = [join(this.spool, user), join(home, 'mbox')].filter((path) => existsSync(path));
    const inboxMessages: string[] = [];
    for (const path of inboxFiles) {
      const messages = await this.messagesIn(user, path, path === join(this.spool, user) ? originals.inbox[inbox] : undefined);
      if (messages === undefined) problems.push(`${path} cannot be read by the mail library`);
      else inboxMessages.push(...messages);
    }
    problems.push(...compare(`INBOX of ${user}`, originals.inbox[inbox].messages, inboxMessages, allowed));
    const folderPath = join(home, FOLDER);
    if (existsSync(folderPath)) {
      const messages = await this.messagesIn(user, folderPath, originals.folder);
      if (messages === undefined) problems.push(`${FOLDER} of ${user} cannot be read by the mail library`);
      else problems.push(...compare(`${FOLDER} of ${user}`, originals.folder.messages, messages, allowed));
    } else if (!allowed.removal) {
      problems.push(`${FOLDER} of ${user} is gone`);
    }
    return problems;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private place(user: string, source: string, target: string): void {
    copyFileSync(source, target);
    chmodSync(target, 0o600);
    this.own(user, target);
  }

  private own(user: string, path: string): void {
    const owner = this.owners.get(user);
    if (IS_ROOT && owner) chownSync(path, owner.uid, owner.gid);
  }

  /** Every message of a mailbox file as served, or undefined when the library cannot open it. */
  private async messagesIn(user: string, path: string, original?: Pristine): Promise<string[] | undefined> {
    // A file still byte for byte as it was restored holds the originals: no need to parse it.
    if (original && readFileSync(path).equals(original.bytes)) return [...original.messages];
    const config = loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${this.spool}`, 'allow-outside-names=yes'] });
    const store = openMailStore({ name: user, home: this.home(user), uid: 0, gid: 0 }, config);
    try {
      const mailbox = await store.open(path, { readOnly: true });
      const messages: string[] = [];
      for (let seq = 1; seq <= mailbox.count; seq++) messages.push((await mailbox.read(seq)).toString('latin1'));
      await mailbox.close({ expunge: false });
      return messages;
    } catch {
      return undefined;
    }
  }
}

/** An mbox file's bytes, ending with the blank line that separates it from the next one. */
function mboxText(path: string): Buffer {
  const text = readFileSync(path);
  return text.subarray(-2).toString() === '\n\n' ? text : Buffer.concat([text, Buffer.from(text.subarray(-1).toString() === '\n' ? '\n' : '\n\n')]);
}

function counts(messages: readonly string[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const message of messages) count.set(message, (count.get(message) ?? 0) + 1);
  return count;
}

function describe(message: string): string {
  const subject = /^Subject: ?(.*)$/im.exec(message)?.[1]?.trim();
  return subject === undefined ? JSON.stringify(message.slice(0, 60)) : `"${subject.slice(0, 60)}" (${message.length} bytes)`;
}

function compare(where: string, original: readonly string[], now: readonly string[], allowed: Permissions): string[] {
  const problems: string[] = [];
  const before = counts(original);
  const after = counts(now);
  for (const [message, count] of before) {
    const found = after.get(message) ?? 0;
    if (found < count && !allowed.removal) problems.push(`${where}: message ${describe(message)} lost`);
    if (found > count && !allowed.addition) problems.push(`${where}: message ${describe(message)} appears ${found} times`);
  }
  if (!allowed.addition) {
    for (const message of after.keys()) if (!before.has(message)) problems.push(`${where}: unknown or altered message ${describe(message)}`);
  }
  return problems;
}
