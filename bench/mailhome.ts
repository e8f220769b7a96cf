// A throw-away mail setup for the benchmark: a spool directory holding the
// user's INBOX, a home directory, a configuration file (passed through
// $IMAPD_CONFIG, so the servers start without parsing a command line) and a
// UW password file for the POP3 login. Run as root, the servers run as an
// unprivileged user (default "nobody"): imapd started as that user greets
// with PREAUTH, as over an ssh tunnel; ipop3d starts as root, as under inetd,
// and logs in through the password file.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { binPath, RSS_PROBE } from './processes';

export interface MailHome {
  readonly directory: string;
  readonly user: string;
  /** Set when the benchmark runs as root: the identity the IMAP server runs as. */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly inbox: string;
  readonly configPath: string;
  readonly password: string;
}

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd: string;
}

export function createMailHome(runAsUser: string): MailHome {
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? runAsUser : userInfo().username;
  const uid = asRoot ? Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()) : undefined;
  const directory = mkdtempSync(join(tmpdir(), 'imap-bench-'));
  const home = join(directory, 'home');
  mkdirSync(home);
  const password = 'bench-password';
  const passwordFile = join(directory, 'cram-md5.pwd');
  writeFileSync(passwordFile, `${user}\t${password}\n`, { mode: 0o600 });
  const configPath = join(directory, 'imapd.cf');
  writeFileSync(
    configPath,
    [
      `set spool-directory ${directory}`,
      `set home-template ${home}`,
      `set password-file ${passwordFile}`,
      'set preauth yes',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  chmodSync(directory, 0o755);
  if (uid !== undefined && gid !== undefined) {
    chownSync(directory, uid, gid);
    chownSync(home, uid, gid);
  }
  return { directory, user, uid, gid, inbox: join(directory, user), configPath, password };
}

/** Replaces the INBOX with a fresh copy of `source`, owned by the mail user. */
export function installInbox(home: MailHome, source: string): void {
  rmSync(home.inbox, { force: true });
  rmSync(`${home.inbox}.lock`, { force: true });
  copyFileSync(source, home.inbox);
  chmodSync(home.inbox, 0o600);
  if (home.uid !== undefined && home.gid !== undefined) chownSync(home.inbox, home.uid, home.gid);
}

export function removeMailHome(home: MailHome): void {
  rmSync(home.directory, { recursive: true, force: true });
}

export interface LaunchOptions {
  /** Preload the peak-memory probe, appending to this file. */
  readonly rssFile?: string;
  /** Start as root when the benchmark runs as root (inetd style), not as the mail user. */
  readonly asRoot?: boolean;
}

/** How to start `program` ("imapd", "ipop3d") on this mail home over pipes. */
export function serverLaunch(home: MailHome, program: string, options: LaunchOptions = {}): Launch {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    IMAPD_CONFIG: home.configPath,
    HOME: join(home.directory, 'home'),
    USER: home.user,
    LOGNAME: home.user,
  };
  const identity = options.asRoot ? {} : { uid: home.uid, gid: home.gid };
  if (options.rssFile === undefined) return { command: binPath(program), args: [], env, cwd: home.directory, ...identity };
  return {
    command: process.execPath,
    args: ['--require', RSS_PROBE, binPath(program)],
    env: { ...env, BENCH_RSS_FILE: options.rssFile },
    cwd: home.directory,
    ...identity,
  };
}
