// A throw-away mail home for running the real bin/imapd: a spool directory
// and a home directory in /tmp, and an imapd.cf pointing at them. Tests run
// as root (here and in CI), and root never gets a pre-authenticated session,
// so pre-authenticated runs switch to an ordinary account (nobody) the way
// an ssh login would, and `home-template` puts that account's mail here.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { installPem } from '../../../lib/cert/install';
import { makeSelfSignedPem } from '../../../lib/cert/self-signed';
import { binPath } from '../../helpers/paths';
import { IS_ROOT } from '../../helpers/require';

/** The account pre-authenticated sessions run as. */
export const MAIL_UID = IS_ROOT ? 65534 : userInfo().uid;
export const MAIL_GID = IS_ROOT ? 65534 : userInfo().gid;
export const MAIL_USER = IS_ROOT ? 'nobody' : userInfo().username;

export interface MailHomeOptions {
  /** UW password file entries (user → password); their mail belongs to the `nobody` account. */
  readonly passwords?: Readonly<Record<string, string>>;
  /** Install a self-signed imapd.pem so that STARTTLS and implicit TLS work. */
  readonly certificate?: boolean;
}

export class MailHome {
  readonly root: string;
  readonly home: string;
  readonly spool: string;
  readonly configPath: string;

  constructor(settings: Readonly<Record<string, string>> = {}, options: MailHomeOptions = {}) {
    this.root = mkdtempSync('/tmp/imapd-test-');
    chmodSync(this.root, 0o755);
    this.home = join(this.root, 'home');
    this.spool = join(this.root, 'spool');
    mkdirSync(this.home);
    mkdirSync(this.spool);
    for (const path of [this.home, this.spool]) this.own(path);
    chmodSync(this.spool, 0o1777);
    const all: Record<string, string> = {
      'home-template': this.home,
      'spool-directory': this.spool,
      'login-failure-delay': '0',
      'syslog-socket': join(this.root, 'no-syslog'),
      'password-file': join(this.root, 'cram-md5.pwd'),
      'cert-directory': join(this.root, 'certs'),
      'key-directory': join(this.root, 'certs'),
      'nologin-file': join(this.root, 'nologin'),
      ...(options.passwords ? { 'virtual-owner': MAIL_USER } : {}),
      ...settings,
    };
    if (options.passwords) {
      const lines = Object.entries(options.passwords).map(([user, password]) => `${user}\t${password}\n`);
      writeFileSync(join(this.root, 'cram-md5.pwd'), lines.join(''), { mode: 0o600 });
    }
    if (options.certificate) installPem(join(this.root, 'certs'), makeSelfSignedPem({ cn: 'localhost', days: 2, keyType: 'ec' }), true);
    this.configPath = join(this.root, 'imapd.cf');
    writeFileSync(this.configPath, Object.entries(all).map(([name, value]) => `set ${name} ${value}\n`).join(''));
  }

  /** A user's INBOX (spool file) path; by default the pre-authenticated account's. */
  inboxOf(user = MAIL_USER): string {
    return join(this.spool, user);
  }

  get inbox(): string {
    return this.inboxOf();
  }

  /** Installs an mbox file as a user's INBOX (or, with `folder`, as that folder in the home directory). */
  install(mbox: string, folder?: string, user = MAIL_USER): void {
    const target = folder === undefined ? this.inboxOf(user) : join(this.home, folder);
    copyFileSync(mbox, target);
    this.own(target);
  }

  read(folder?: string): Buffer {
    return readFileSync(folder === undefined ? this.inbox : join(this.home, folder));
  }

  write(folder: string, text: string): void {
    const target = join(this.home, folder);
    writeFileSync(target, text);
    this.own(target);
  }

  own(path: string): void {
    if (IS_ROOT) chownSync(path, MAIL_UID, MAIL_GID);
  }

  /** Environment that makes bin/imapd use this home's configuration. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, IMAPD_CONFIG: this.configPath };
  }

  /** bin/imapd over pipes as the mail account: a pre-authenticated session. */
  spawnPreauth(): ChildProcessWithoutNullStreams {
    return spawn(binPath('imapd'), [], {
      env: this.env,
      stdio: 'pipe',
      cwd: '/',
      ...(IS_ROOT ? { uid: MAIL_UID, gid: MAIL_GID } : {}),
    });
  }

  /** Creates /etc/nologin's stand-in, refusing logins with `text`. */
  refuseLogins(text: string): void {
    writeFileSync(join(this.root, 'nologin'), text);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
