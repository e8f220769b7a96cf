// The demo's files, made on first run under one directory (./demo): a
// spool with the INBOX, a home with folders, a UW-style password file with
// demo/demo, a self-signed certificate, tcp_wrappers files and imapd.cf.
// Mail and certificate are kept across runs; the configuration is written
// each time, because who runs the demo decides the owner of the store.
import { chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { getpwnam } from '../auth/passwd';
import { installPem } from '../cert/install';
import { makeSelfSignedPem } from '../cert/self-signed';
import { FOLDERS, INBOX } from './messages';

export const DEMO_USER = 'demo';
export const DEMO_PASSWORD = 'demo';

export interface DemoFiles {
  readonly dir: string;
  readonly configPath: string;
  readonly spool: string;
  readonly home: string;
  /** The system account whose ids serve the demo user. */
  readonly owner: string;
  /** True when this run made the mail store. */
  readonly created: boolean;
  /** Problems the user should know about (printed, not fatal). */
  readonly warnings: readonly string[];
}

export function prepareDemo(directory: string): DemoFiles {
  const dir = resolve(directory);
  const spool = join(dir, 'spool');
  const home = join(dir, 'home', DEMO_USER);
  const certs = join(dir, 'certs');
  const warnings: string[] = [];
  const asRoot = process.getuid?.() === 0;
  // Root may not serve a session, so as root the demo user borrows nobody's ids.
  const owner = asRoot ? 'nobody' : userInfo().username;

  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const created = !existsSync(join(spool, DEMO_USER));
  if (created) {
    mkdirSync(spool, { recursive: true, mode: 0o755 });
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(join(spool, DEMO_USER), INBOX, { mode: 0o600 });
    for (const [name, text] of Object.entries(FOLDERS)) writeFileSync(join(home, name), text, { mode: 0o600 });
    writeFileSync(join(home, '.mailboxlist'), `${Object.keys(FOLDERS).join('\n')}\n`, { mode: 0o600 });
  }
  writeFileSync(join(dir, 'cram-md5.pwd'), `# UW-style password file: user<TAB>password\n${DEMO_USER}\t${DEMO_PASSWORD}\n`, { mode: 0o600 });
  if (!existsSync(join(certs, 'imapd.pem'))) installPem(certs, makeSelfSignedPem({ cn: 'localhost', days: 825 }), false);
  writeFileSync(join(dir, 'hosts.allow'), '# The FreeBSD guide\'s lines (hosts_access(5), hosts_options(5)).\nimapd : ALL : allow\nipop3d : ALL : allow\n');
  writeFileSync(join(dir, 'hosts.deny'), '# Nothing is denied in the demo; try "imapd : ALL" here.\n');

  if (asRoot) {
    const account = getpwnam(owner);
    if (!account) throw new Error(`no "${owner}" account to own the demo mail store`);
    for (const path of [spool, dirname(home)]) chownTree(path, account.uid, account.gid);
    const blocked = untraversable(dir);
    if (blocked) warnings.push(`${blocked} is not searchable by ${owner}, so logged-in sessions cannot reach the mail store; use --dir under /tmp`);
  }

  const configPath = join(dir, 'imapd.cf');
  writeFileSync(configPath, configText(dir, owner));
  return { dir, configPath, spool, home, owner, created, warnings };
}

function configText(dir: string, owner: string): string {
  return [
    '# imapd.cf for the demo (written by `npm start` on every run; see imapd.cf(5)).',
    `set spool-directory ${join(dir, 'spool')}`,
    `set home-template ${join(dir, 'home', '%u')}`,
    `set password-file ${join(dir, 'cram-md5.pwd')}`,
    '# The demo user has no system account: sessions run with these ids.',
    `set virtual-owner ${owner}`,
    '# Started by an ordinary user, imapd would otherwise pre-authenticate as that user.',
    'set preauth no',
    `set cert-directory ${join(dir, 'certs')}`,
    `set key-directory ${join(dir, 'certs')}`,
    `set hosts-allow ${join(dir, 'hosts.allow')}`,
    `set hosts-deny ${join(dir, 'hosts.deny')}`,
    '# Demo only: plaintext passwords from loopback, so curl and mutt work without TLS.',
    '# A production server leaves this empty and requires TLS.',
    'set plaintext-hosts 127.0.0.1 [::1]',
    '',
  ].join('\n');
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/** The first directory on the way to `dir` that others cannot search, if any. */
function untraversable(dir: string): string | undefined {
  for (let path = dir; ; path = dirname(path)) {
    if ((statSync(path).mode & 0o001) === 0) return path;
    if (dirname(path) === path) return undefined;
  }
}
