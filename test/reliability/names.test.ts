// Hostile mailbox names through the real imapd (pre-authenticated as an
// ordinary account, under strace; and after a PAM login as a real test user,
// against another real user's files) and the real ipop2d (FOLD): "../",
// absolute paths, ~user, namespaces, remote specs, symbolic links out of the
// mail area and in loops, control characters, invalid modified UTF-7, and
// names longer than the system's limits, in every argument that names a
// mailbox. Each is refused (or, for LIST, matches nothing new), and the
// sentinel files outside the user's area are never opened, changed, created
// or listed. lib/mail/README.md ("Refused names") is the policy tested here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScriptClient } from '../helpers/client';
import { startInetd } from '../helpers/inetd';
import { binPath, ROOT } from '../helpers/paths';
import { IS_ROOT, requireProgram, requireRoot } from '../helpers/require';
import { TEST_PASSWORD, ensureTestUsers } from '../helpers/users';
import { MAIL_GID, MAIL_UID, MAIL_USER, MailHome } from '../protocol/imap/mail-home';
import { LOOPBACK_PLAINTEXT, PASSWORD, PopClient, USER, withPop } from '../protocol/pop3/pop-home';

const STRACE = '/usr/bin/strace';
const SESSION_LIMIT_MS = 300_000;
const MESSAGE = 'From sender@example.org Mon Jan  1 10:00:00 2024\nSubject: mine\n\nmy own mail\n\n';
const SECRET = 'From sender@example.org Mon Jan  1 10:00:00 2024\nSubject: SECRET-SENTINEL\n\nnot yours\n\n';

/** A scratch tree: the user's home and spool, and, beside them, places the user must never reach. */
class Area {
  readonly mail: MailHome;
  readonly outside: string;
  readonly otherHome: string;
  readonly otherSpool: string;
  /** Paths that must never come to exist. */
  readonly mustNotExist: string[];

  constructor(mail: MailHome = new MailHome()) {
    this.mail = mail;
    const { root, home, spool } = this.mail;
    this.outside = join(root, 'outside');
    this.otherHome = join(root, 'otherhome');
    this.otherSpool = join(spool, 'otheruser');
    // Everything outside belongs to the session's own account, so only the
    // name policy, not file permissions, keeps the session out.
    for (const dir of [this.outside, join(this.outside, 'dir'), this.otherHome]) this.ownedDirectory(dir);
    for (const file of [join(this.outside, 'secret'), join(this.outside, 'dir', 'secret'), join(this.otherHome, 'folder'), this.otherSpool]) {
      this.ownedFile(file, SECRET);
    }
    this.ownedFile(this.mail.inbox, MESSAGE + MESSAGE);
    this.ownedDirectory(join(home, 'Work'));
    this.ownedFile(join(home, 'Work', 'inner'), MESSAGE);
    const links: ReadonlyArray<readonly [string, string]> = [
      ['linkfile', join(this.outside, 'secret')],
      ['linkdir', this.outside],
      ['linketc', '/etc'],
      ['linkother', this.otherHome],
      ['linkspool', this.otherSpool],
      ['linkroot', '/'],
      ['loop1', 'loop2'],
      ['loop2', 'loop1'],
      ['self', '.'],
      ['up', '..'],
      ['dangling', join(this.outside, 'nothing-here')],
      ['inlink', 'Work/inner'],
      ['inlinkdir', 'Work'],
    ];
    for (const [name, target] of links) symlinkSync(target, join(home, name));
    this.ownedDirectory(join(home, 'Work', 'deep'));
    symlinkSync(this.outside, join(home, 'Work', 'deep', 'out'));
    const probe = `hostile-${process.pid}`;
    this.mustNotExist = [`/tmp/${probe}`, join(root, probe), join(this.outside, probe), join(this.otherHome, probe), `/root/${probe}`, `/${probe}`];
  }

  get probe(): string {
    return `hostile-${process.pid}`;
  }

  private ownedDirectory(path: string): void {
    mkdirSync(path, { recursive: true });
    this.mail.own(path);
  }

  private ownedFile(path: string, text: string): void {
    writeFileSync(path, text, { mode: 0o666 });
    this.mail.own(path);
  }

  /** Every path, size, mode, mtime and content hash outside the user's area. */
  snapshot(): string[] {
    const out: string[] = [];
    const walk = (path: string): void => {
      const stats = lstatSync(path);
      const hash = stats.isFile() ? createHash('sha1').update(readFileSync(path)).digest('hex') : '';
      out.push(`${path} ${stats.mode} ${stats.size} ${stats.mtimeMs} ${hash}`);
      if (stats.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    };
    for (const path of [this.outside, this.otherHome, this.otherSpool]) walk(path);
    for (const path of this.mustNotExist) out.push(`${path} ${existsSync(path) ? 'EXISTS' : 'absent'}`);
    return out;
  }

  remove(): void {
    for (const path of this.mustNotExist) if (path.startsWith('/tmp/')) rmSync(path, { recursive: true, force: true });
    this.mail.remove();
  }
}

/** A hostile name as raw bytes, with a label for messages. */
interface Hostile {
  readonly label: string;
  readonly bytes: Buffer;
}

function hostile(label: string, bytes: string | Buffer = label): Hostile {
  return { label, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes };
}

function hostileNames(area: Area): Hostile[] {
  const probe = area.probe;
  const { root } = area.mail;
  return [
    // Climbing out and absolute paths.
    hostile('../x', `../${probe}`),
    hostile('a/../../x', `a/../../${probe}`),
    hostile('../outside/secret'),
    hostile('Work/../../outside/secret'),
    hostile('./Work/inner'),
    hostile('Work/./inner'),
    hostile('/etc/passwd'),
    hostile('/tmp/x', `/tmp/${probe}`),
    hostile('absolute outside', join(area.outside, 'secret')),
    hostile('absolute other spool', area.otherSpool),
    hostile('absolute other home', join(area.otherHome, 'folder')),
    hostile('absolute new', join(root, probe)),
    hostile('~root/x', `~root/${probe}`),
    hostile(`~${MAIL_USER}/x`, `~${MAIL_USER}/${probe}`),
    hostile('~/x', `~/${probe}`),
    hostile('~', '~'),
    hostile('~otheruser/folder'),
    // Namespaces and remote specifications.
    hostile('#shared/x', `#shared/${probe}`),
    hostile('#public/x'),
    hostile('#mhinbox'),
    hostile('#ftp/pub'),
    hostile('{localhost}INBOX'),
    hostile('{localhost:143/imap/user=root}x'),
    // Symbolic links out of the area, in loops, dangling.
    hostile('linkfile'),
    hostile('linkdir'),
    hostile('linkdir/secret'),
    hostile('linkdir/dir/secret'),
    hostile('linkdir/x', `linkdir/${probe}`),
    hostile('linketc/passwd'),
    hostile('linketc/x', `linketc/${probe}`),
    hostile('linkother/folder'),
    hostile('linkspool'),
    hostile('linkroot/tmp/x', `linkroot/tmp/${probe}`),
    hostile('up/outside/secret'),
    hostile('self/linkfile'),
    hostile('inlinkdir/deep/out/secret'),
    hostile('Work/deep/out/secret'),
    hostile('Work/deep/out/x', `Work/deep/out/${probe}`),
    hostile('loop1'),
    hostile('loop1/x'),
    hostile('dangling'),
    // Control characters, NUL, DEL and 8-bit bytes.
    hostile('NUL', 'a\0b'),
    hostile('CR', 'a\rb'),
    hostile('LF', 'a\nb'),
    hostile('CRLF', 'a\r\nb'),
    hostile('SOH', 'a\x01b'),
    hostile('ESC', 'a\x1b[2Jb'),
    hostile('TAB', 'a\tb'),
    hostile('DEL', 'a\x7fb'),
    hostile('latin-1 byte', 'caf\xe9'),
    hostile('UTF-8 text', Buffer.from('café', 'utf8')),
    hostile('0xff byte', 'a\xffb'),
    // Invalid modified UTF-7.
    hostile('&', 'a&b'),
    hostile('&AGE', 'a&AGE'),
    hostile('&AGE-', 'a&AGE-'),
    hostile('&2D3-', 'a&2D3-'),
    hostile('&AEEAQgBD- (plain ASCII encoded)', 'a&AEEAQgBD-'),
    hostile('&AOk-&AOk- (adjacent runs)', '&AOk-&AOk-'),
    hostile('&AOkA- (stray bits)', '&AOkA-'),
    hostile('&Jjo (no end)', '&Jjo'),
    hostile('&Lw- (encoded slash)', 'a&AC8-b'),
    // Lengths beyond the limits (1 KB, NAME_MAX, PATH_MAX, 64 KB).
    hostile('1025 bytes', 'n'.repeat(1025)),
    hostile('level over NAME_MAX', `Work/${'n'.repeat(256)}`),
    hostile('5000 bytes (over PATH_MAX)', 'n/'.repeat(2500).slice(0, 4999) + 'n'),
    hostile('64 KB', 'n'.repeat(65536)),
    // Dots, empty levels, trailing slashes, INBOX's inferiors, lock names.
    hostile('.', '.'),
    hostile('..', '..'),
    hostile('.mailboxlist'),
    hostile('.hidden'),
    hostile('Work/.hidden'),
    hostile('empty', ''),
    hostile('/', '/'),
    hostile('a//b'),
    hostile('INBOX/../x', `INBOX/../${probe}`),
    hostile('inbox/x'),
    hostile('x.lock'),
    hostile('Work/inner.lock'),
  ];
}

/** Names every command may take; the per-command expectation decides what is allowed. */
function literal(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{${bytes.length}+}\r\n`), bytes]);
}

interface Case {
  readonly command: string;
  /** The command with the name in it (as a non-synchronising literal). */
  build(name: Buffer): Buffer;
}

/** `before` NAME `afterName`, with `nameSuffix` added inside the name's literal. */
function commandCase(command: string, before: string, afterName = '', nameSuffix = ''): Case {
  return {
    command,
    build: (name) => Buffer.concat([Buffer.from(before), literal(Buffer.concat([name, Buffer.from(nameSuffix)])), Buffer.from(`${afterName}\r\n`)]),
  };
}

const APPENDED = 'Subject: appended\r\n\r\nhello\r\n';
const REFUSING_CASES: readonly Case[] = [
  commandCase('SELECT', 'SELECT '),
  commandCase('EXAMINE', 'EXAMINE '),
  commandCase('CREATE', 'CREATE '),
  commandCase('CREATE dir/', 'CREATE ', '', '/'),
  commandCase('DELETE', 'DELETE '),
  commandCase('RENAME from', 'RENAME ', ' Renamed'),
  commandCase('RENAME to', 'RENAME Work/inner '),
  commandCase('RENAME dir to', 'RENAME Spare '),
  commandCase('SUBSCRIBE', 'SUBSCRIBE '),
  commandCase('UNSUBSCRIBE', 'UNSUBSCRIBE '),
  commandCase('STATUS', 'STATUS ', ' (MESSAGES UIDNEXT)'),
  commandCase('APPEND', 'APPEND ', ` {${APPENDED.length}+}\r\n${APPENDED}`),
  commandCase('COPY', 'COPY 1 '),
  commandCase('MOVE', 'MOVE 1 '),
  commandCase('UID COPY', 'UID COPY 1:* '),
  commandCase('UID MOVE', 'UID MOVE 1:* '),
];
const LISTING_CASES: readonly Case[] = [
  commandCase('LIST reference', 'LIST ', ' *'),
  commandCase('LIST pattern', 'LIST "" '),
  commandCase('LIST pattern/*', 'LIST "" ', '', '/*'),
  commandCase('LSUB reference', 'LSUB ', ' *'),
  commandCase('LSUB pattern', 'LSUB "" '),
];

/** The untagged LIST/LSUB names in a response. */
function listedNames(lines: readonly string[]): string[] {
  return lines.filter((line) => /^\* (LIST|LSUB) /.test(line)).map((line) => line.replace(/^\* \w+ \([^)]*\) (?:"."|NIL) /, ''));
}

interface Imapd {
  readonly client: ScriptClient;
  kill(): void;
  readonly done: Promise<number | null>;
  stderr(): string;
}

/** bin/imapd over pipes as the mail account (a PREAUTH session), under strace when a trace file is given. */
function startImapd(area: Area, traceFile?: string): Imapd {
  const program = binPath('imapd');
  const args = traceFile ? ['-f', '-y', '-qq', '-o', traceFile, '-e', 'trace=%file', program] : [];
  const child = spawn(traceFile ? STRACE : program, args, {
    env: area.mail.env,
    stdio: 'pipe',
    cwd: '/',
    ...(IS_ROOT ? { uid: MAIL_UID, gid: MAIL_GID } : {}),
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), SESSION_LIMIT_MS);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
  const done = new Promise<number | null>((resolveExit) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    }),
  );
  return { client: new ScriptClient(child.stdout, child.stdin), done, stderr: () => stderr, kill: () => child.kill('SIGKILL') };
}

async function send(client: ScriptClient, tag: string, command: Buffer): Promise<string[]> {
  client.write(Buffer.concat([Buffer.from(`${tag} `), command]));
  return client.until(tag, 60_000);
}

function tagged(lines: readonly string[]): string {
  return lines.at(-1) ?? '';
}

/** Names below the home directory, with "/" after directories (links not followed). */
function tree(directory: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const stats = lstatSync(join(directory, entry));
    out.push(`${prefix}${entry}${stats.isDirectory() ? '/' : ''}`);
    if (stats.isDirectory()) out.push(...tree(join(directory, entry), `${prefix}${entry}/`));
  }
  return out;
}

// --- strace ---------------------------------------------------------------

interface TracedCall {
  readonly call: string;
  /** Path arguments made absolute against their directory descriptor (as strace -y shows it). */
  readonly paths: string[];
  readonly flags: string;
  /** What a successful call's descriptor is (-y), or undefined. */
  readonly opened: string | undefined;
  readonly failed: boolean;
}

const OPENS = new Set(['open', 'openat', 'openat2', 'creat']);
const MUTATIONS = new Set([
  'mkdir', 'mkdirat', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'link', 'linkat', 'symlink', 'symlinkat', 'rmdir',
  'truncate', 'chmod', 'fchmodat', 'chown', 'lchown', 'fchownat', 'mknod', 'mknodat', 'utimensat', 'utimes', 'utime',
]);

function unquote(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code.startsWith('x')) return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return ({ n: '\n', r: '\r', t: '\t', v: '\v', f: '\f' } as Record<string, string>)[code] ?? code;
  });
}

/** Reads strace's output: every finished call with its path arguments resolved against its directory. */
function parseTrace(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  for (const line of text.split('\n')) {
    const match = /^\d+ +(\w+)\((.*)\) += (.*)$/.exec(line);
    if (!match) continue;
    const [, call = '', args = '', result = ''] = match;
    const paths: string[] = [];
    let directory = '/';
    // Arguments: "dirfd</path>" then a quoted path; or a quoted path alone (relative to the cwd, AT_FDCWD</cwd>).
    for (const part of args.matchAll(/(?:(?:AT_FDCWD|\d+)<([^>]*)>)|"((?:[^"\\]|\\.)*)"/g)) {
      if (part[1] !== undefined) directory = part[1];
      else if (part[2] !== undefined) paths.push(resolve(directory, unquote(part[2])));
    }
    const opened = /^\d+<(.*)>$/.exec(result)?.[1];
    calls.push({ call, paths, flags: args, opened, failed: result.startsWith('-1') });
  }
  return calls;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** The physical path of `path`'s parent directory joined with its last component (what a call that does not follow the last link acts on). */
function physicalParent(path: string): string {
  let parent = dirname(path);
  const rest: string[] = [path.slice(parent.length + 1)];
  while (!existsSync(parent) && dirname(parent) !== parent) {
    rest.unshift(parent.slice(dirname(parent).length + 1));
    parent = dirname(parent);
  }
  return join(realpathSync(parent), ...rest);
}

interface TraceVerdict {
  readonly opens: number;
  readonly mutations: number;
  readonly problems: string[];
}

function judgeTrace(area: Area, calls: readonly TracedCall[]): TraceVerdict {
  const home = realpathSync(area.mail.home);
  const spool = realpathSync(area.mail.spool);
  // The user's spool file, its dot-lock and its journal (.USER.imapjournal).
  const ownSpool = (path: string): boolean => path === spool || (dirname(path) === spool && /^\.?USER\b/.test(basename(path).replace(MAIL_USER, 'USER')));
  // Where creating is allowed: the area, the own spool files, devices, and UW's session locks /tmp/.DEV.INO.
  const writable = (path: string): boolean => within(home, path) || ownSpool(path) || within('/dev', path) || /^\/tmp\/\.[0-9a-f]+\.[0-9a-f]+$/.test(path);
  const forbidden = [area.outside, area.otherHome, area.otherSpool, ...area.mustNotExist].map((path) => (existsSync(path) ? realpathSync(path) : path));
  const systemRoots = ['/etc', '/usr', '/lib', '/lib64', '/proc', '/sys', '/dev', ROOT, dirname(dirname(process.execPath))];
  const readable = (path: string): boolean =>
    writable(path) || path === area.mail.configPath || path === '/' || systemRoots.some((root) => within(root, path));
  const problems: string[] = [];
  let opens = 0;
  let mutations = 0;
  for (const traced of calls) {
    if (OPENS.has(traced.call) && traced.opened !== undefined && !traced.flags.includes('O_PATH')) {
      opens++;
      const writes = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(traced.flags);
      if (forbidden.some((root) => within(root, traced.opened ?? ''))) problems.push(`opened a sentinel: ${traced.call} ${traced.opened}`);
      else if (writes && !writable(traced.opened)) problems.push(`opened for writing outside the area: ${traced.opened}`);
      else if (!readable(traced.opened)) problems.push(`opened outside the area: ${traced.opened}`);
    }
    // Creating or changing, even an attempt that failed, happens only in the area.
    if (MUTATIONS.has(traced.call) || (OPENS.has(traced.call) && traced.flags.includes('O_CREAT'))) {
      mutations++;
      for (const path of traced.paths) {
        const physical = physicalParent(path);
        if (!writable(physical)) problems.push(`${traced.call} outside the area: ${path} (${physical})`);
      }
    }
  }
  return { opens, mutations, problems };
}

// --- the suites -------------------------------------------------------------

interface TracedSession {
  /** Sends one command (a string gets CRLF) and returns its responses. */
  run(command: string | Buffer): Promise<string[]>;
  /** Logs out and judges the trace: fails on anything outside the area. */
  finish(): Promise<TraceVerdict>;
}

async function tracedSession(area: Area, t: { after(fn: () => void): void }): Promise<TracedSession> {
  const traceDirectory = join(area.mail.root, 'trace');
  mkdirSync(traceDirectory);
  area.mail.own(traceDirectory);
  const traceFile = join(traceDirectory, 'imapd.strace');
  const imapd = startImapd(area, traceFile);
  t.after(() => imapd.kill());
  const { client } = imapd;
  assert.match((await client.line()) ?? '', /^\* PREAUTH /);
  let tags = 0;
  return {
    run: (command) => send(client, `n${++tags}`, typeof command === 'string' ? Buffer.from(`${command}\r\n`) : command),
    async finish() {
      await send(client, 'z', Buffer.from('LOGOUT\r\n'));
      await client.closedByServer();
      await imapd.done;
      assert.equal(imapd.stderr(), '', 'nothing on fd 2 (strace included)');
      const verdict = judgeTrace(area, parseTrace(readFileSync(traceFile, 'latin1')));
      assert.deepEqual(verdict.problems, [], 'file system calls outside the area');
      assert.ok(verdict.opens > 0 && verdict.mutations > 0, 'the trace saw the session open and create files');
      return verdict;
    },
  };
}

const SECRET_MARK = 'SECRET-SENTINEL';

describe('hostile mailbox names (imapd, pre-authenticated, under strace)', () => {
  let area: Area;
  before(() => {
    area = new Area();
  });
  after(() => area.remove());

  it('refuses or confines every hostile name in every mailbox argument, and opens nothing outside', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, STRACE, 'strace')) return;
    const names = hostileNames(area);
    const untouched = area.snapshot();
    const homeBefore = tree(area.mail.home);
    const { run, finish } = await tracedSession(area, t);

    // Positive controls: links inside the area, INBOX in any case, "&-", directories.
    const baseline = listedNames(await run('LIST "" *')).sort();
    assert.deepEqual(baseline, ['INBOX', 'Work', 'Work/deep', 'Work/inner', 'inlinkdir', 'self']);
    assert.match(tagged(await run('CREATE Spare/')), /OK/);
    assert.match(tagged(await run('CREATE "a&-b"')), /OK/);
    assert.match(tagged(await run('SUBSCRIBE Work/inner')), /OK/);
    // A link as the last level is never opened, even to a file in the area; linked directories work.
    assert.match(tagged(await run('STATUS inlink (MESSAGES)')), /NO/);
    assert.match(tagged(await run('EXAMINE inlinkdir/inner')), /OK/);
    for (const spelling of ['inbox', 'InBoX', '"iNBOX"']) assert.match(tagged(await run(`EXAMINE ${spelling}`)), /OK \[READ-ONLY\]/);
    // "~" is an atom character, not the start of a literal8: these are names, refused as names (NO, not BAD).
    assert.match(tagged(await run('SELECT ~root/x')), /^n\d+ NO \[CANNOT\] .*outside the mail area/);
    assert.match(tagged(await run('LIST ~ *')), /^n\d+ OK /);
    // '""' is LIST "" ""'s answer: the hierarchy delimiter and root (RFC 3501 §6.3.8).
    const known = new Set([...baseline, 'Spare', 'a&-b', '""']);

    let refused = 0;
    let listed = 0;
    const outcomes = new Map<string, number>();
    const check = async (kase: Case, name: Hostile, allowOk: boolean): Promise<void> => {
      const lines = await run(kase.build(name.bytes));
      const answer = tagged(lines).replace(/^n\d+ /, '');
      const what = `${kase.command} ${JSON.stringify(name.label)}: ${answer.slice(0, 200)}`;
      assert.ok(!lines.some((line) => line.includes(SECRET_MARK)), `${what}: a sentinel's text was served`);
      const status = /^(OK|NO|BAD)\b/.exec(answer)?.[1] ?? '?';
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      if (allowOk && status === 'OK') {
        for (const listedName of listedNames(lines)) assert.ok(known.has(listedName), `${what}: listed ${listedName}`);
        listed++;
        return;
      }
      assert.ok(status === 'NO' || status === 'BAD', `${what}: expected NO or BAD`);
      refused++;
    };
    const selected = REFUSING_CASES.filter((kase) => /COPY|MOVE/.test(kase.command));
    for (const kase of REFUSING_CASES.filter((entry) => !selected.includes(entry) && !/SELECT|EXAMINE/.test(entry.command))) {
      for (const name of names) await check(kase, name, false);
    }
    for (const kase of LISTING_CASES) for (const name of names) await check(kase, name, true);
    assert.match(tagged(await run('SELECT INBOX')), /OK \[READ-WRITE\]/);
    for (const kase of selected) for (const name of names) await check(kase, name, false);
    // A failed SELECT leaves no mailbox selected, so these come last.
    for (const kase of REFUSING_CASES.filter((entry) => /SELECT|EXAMINE/.test(entry.command))) {
      for (const name of names) await check(kase, name, false);
    }

    // The user's own mail is intact, and the session is still healthy.
    assert.ok((await run('SELECT INBOX')).includes('* 2 EXISTS'), 'INBOX kept both messages');
    assert.deepEqual(listedNames(await run('LIST "" *')).sort(), [...baseline, 'Spare', 'a&-b'].sort());
    assert.deepEqual(listedNames(await run('LSUB "" *')), ['Work/inner']);
    const verdict = await finish();
    assert.deepEqual(area.snapshot(), untouched, 'nothing outside the area was changed or created');
    const homeAfter = tree(area.mail.home).filter((entry) => !entry.startsWith('.') && !/\/\./.test(entry));
    assert.deepEqual(homeAfter, [...homeBefore, 'Spare/', 'a&-b'].filter((entry) => !entry.startsWith('.')).sort(), 'only the controls created files in the home');
    t.diagnostic(
      `${names.length} hostile names x ${REFUSING_CASES.length + LISTING_CASES.length} mailbox arguments: ${refused} refused ` +
        `(${[...outcomes].map(([status, count]) => `${count} ${status}`).join(', ')}), ${listed} listings matched nothing new; ` +
        `strace: ${verdict.opens} opens and ${verdict.mutations} creating calls, all inside the area`,
    );
  });
});

/** Level names that mix the area's own folders and links with hostile levels. */
const FRAGMENTS: readonly string[] = [
  '..', '.', '', 'Work', 'deep', 'out', 'inner', 'inlinkdir', 'self', 'up', 'linkdir', 'linkfile', 'linketc', 'linkroot', 'loop1', 'dangling',
  'dir', 'secret', 'etc', 'passwd', 'tmp', 'new', 'INBOX', '~root', '~', '#shared', '{h}', 'x&AGE', '&-', 'a\x01', 'n'.repeat(300), '.lock',
];

/** A small seeded generator, so that a failing run can be repeated. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

const RANDOM_NAMES = process.env.STRESS ? 3000 : 150;
const RANDOM_CASES: readonly Case[] = [
  commandCase('CREATE', 'CREATE '),
  commandCase('CREATE dir/', 'CREATE ', '', '/'),
  commandCase('DELETE', 'DELETE '),
  commandCase('RENAME to', 'RENAME Work/inner '),
  commandCase('RENAME from', 'RENAME ', ' Renamed'),
  commandCase('STATUS', 'STATUS ', ' (MESSAGES)'),
  commandCase('APPEND', 'APPEND ', ` {${APPENDED.length}+}\r\n${APPENDED}`),
  commandCase('LIST pattern/*', 'LIST "" ', '', '/*'),
  commandCase('SELECT', 'SELECT '),
];

describe('random combinations of hostile levels (imapd under strace)', () => {
  it(`keeps ${RANDOM_NAMES} generated names inside the area`, async (t) => {
    if (!requireRoot(t) || !requireProgram(t, STRACE, 'strace')) return;
    const area = new Area();
    t.after(() => area.remove());
    const untouched = area.snapshot();
    const seed = Number(process.env.NAMES_SEED ?? Date.now() % 1_000_000);
    const next = generator(seed);
    const { run, finish } = await tracedSession(area, t);
    const outcomes = new Map<string, number>();
    for (let count = 0; count < RANDOM_NAMES; count++) {
      const levels = Array.from({ length: 1 + next(6) }, () => FRAGMENTS[next(FRAGMENTS.length)] ?? '');
      const name = Buffer.from((next(8) === 0 ? '/' : '') + levels.join('/'), 'latin1');
      for (const kase of RANDOM_CASES) {
        const lines = await run(kase.build(name));
        const status = /^n\d+ (OK|NO|BAD)\b/.exec(tagged(lines))?.[1];
        const what = `${kase.command} ${JSON.stringify(name.toString('latin1'))} (seed ${seed})`;
        assert.ok(status !== undefined, `${what}: ${tagged(lines)}`);
        assert.ok(!lines.some((line) => line.includes(SECRET_MARK)), `${what}: a sentinel's text was served`);
        outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      }
    }
    const verdict = await finish();
    assert.deepEqual(area.snapshot(), untouched, `nothing outside the area was changed or created (seed ${seed})`);
    t.diagnostic(
      `${RANDOM_NAMES} generated names x ${RANDOM_CASES.length} commands (seed ${seed}): ` +
        `${[...outcomes].map(([status, count]) => `${count} ${status}`).join(', ')}; strace: ${verdict.opens} opens and ${verdict.mutations} creating calls, all inside the area`,
    );
  });
});

describe('hostile mailbox names (ipop2d FOLD)', () => {
  it('refuses every hostile folder name and serves nothing from outside', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      LOOPBACK_PLAINTEXT,
      async (server, home) => {
        const area = new Area(home);
        const untouched = area.snapshot();
        const session = async (): Promise<PopClient> => {
          const client = await PopClient.connect(server);
          assert.match(await client.ask(`HELO ${USER} ${PASSWORD}`), /^#\d+ messages in INBOX$/);
          return client;
        };
        const control = await session();
        assert.equal(await control.ask('FOLD Work/inner'), '#1 messages in Work/inner');
        assert.equal(await control.ask('FOLD inlinkdir/inner'), '#1 messages in inlinkdir/inner');
        assert.equal(await control.ask('QUIT'), '+ Sayonara');
        // A line cannot carry LF; every other hostile name goes in as raw bytes.
        const names = hostileNames(area).filter((name) => !name.bytes.includes(0x0a));
        for (const name of names) {
          const client = await session();
          client.script.write(Buffer.concat([Buffer.from('FOLD '), name.bytes, Buffer.from('\r\n')]));
          const answer = (await client.script.line()) ?? '<closed>';
          assert.match(answer, /^- /, `FOLD ${JSON.stringify(name.label)}: ${answer.slice(0, 200)}`);
          assert.ok(!answer.includes(SECRET_MARK));
          await client.script.closedByServer();
        }
        assert.deepEqual(area.snapshot(), untouched, 'nothing outside the area was changed or created');
        t.diagnostic(`ipop2d: ${names.length} hostile FOLD names refused, one session each`);
      },
      'ipop2d',
    );
  });
});

describe('INBOX never follows a link out of the area (imapd)', () => {
  const cases: ReadonlyArray<{ readonly what: string; prepare(area: Area): void; readonly expect: RegExp }> = [
    {
      what: '~/mbox linked to a file outside: INBOX stays the spool file',
      prepare: (area) => symlinkSync(join(area.outside, 'secret'), join(area.mail.home, 'mbox')),
      expect: /^\* 2 EXISTS$/m,
    },
    {
      what: 'the spool file is a link to a file outside: refused',
      prepare: (area) => {
        rmSync(area.mail.inbox);
        symlinkSync(join(area.outside, 'secret'), area.mail.inbox);
      },
      expect: /^n1 NO /m,
    },
    {
      what: "the spool file is a link to another user's spool file: refused",
      prepare: (area) => {
        rmSync(area.mail.inbox);
        symlinkSync(area.otherSpool, area.mail.inbox);
      },
      expect: /^n1 NO /m,
    },
  ];
  for (const { what, prepare, expect } of cases) {
    it(what, async (t) => {
      if (!requireRoot(t)) return;
      const area = new Area();
      t.after(() => area.remove());
      prepare(area);
      const untouched = area.snapshot();
      const imapd = startImapd(area);
      t.after(() => imapd.kill());
      assert.match((await imapd.client.line()) ?? '', /^\* PREAUTH /);
      const answer = (await imapd.client.command('n1', 'SELECT INBOX')).join('\n');
      assert.match(answer, expect);
      assert.doesNotMatch((await imapd.client.command('n2', 'FETCH 1:* BODY.PEEK[]')).join('\n'), new RegExp(SECRET_MARK));
      await imapd.client.command('n3', 'LOGOUT');
      await imapd.done;
      assert.deepEqual(area.snapshot(), untouched);
    });
  }
});

describe('hostile lines in ~/.mailboxlist (imapd)', () => {
  it('are listed by LSUB as \\Noselect and open nothing', async (t) => {
    if (!requireRoot(t)) return;
    const area = new Area();
    t.after(() => area.remove());
    const hostileLines = ['../outside/secret', 'linkfile', 'linkdir/secret', '/etc/passwd', '~root/x', '#shared/x', '{localhost}INBOX', 'a\x01b'];
    const list = join(area.mail.home, '.mailboxlist');
    writeFileSync(list, [...hostileLines, 'Work/inner'].map((line) => `${line}\n`).join(''));
    area.mail.own(list);
    const untouched = area.snapshot();
    const imapd = startImapd(area);
    t.after(() => imapd.kill());
    const { client } = imapd;
    assert.match((await client.line()) ?? '', /^\* PREAUTH /);
    const lsub = await client.command('a', 'LSUB "" *');
    for (const line of lsub.filter((entry) => entry.startsWith('* LSUB '))) {
      if (!line.endsWith(' Work/inner')) assert.match(line, /^\* LSUB \(\\Noselect\) /, line);
    }
    let tags = 0;
    for (const line of hostileLines) {
      const answer = tagged(await send(client, `s${++tags}`, Buffer.concat([Buffer.from('SELECT '), literal(Buffer.from(line, 'latin1')), Buffer.from('\r\n')])));
      assert.match(answer, /^s\d+ NO /, `SELECT ${JSON.stringify(line)}`);
    }
    await client.command('z', 'LOGOUT');
    await imapd.done;
    assert.deepEqual(area.snapshot(), untouched);
  });
});

describe('another real user\'s files (imapd, PAM login through the inetd harness)', () => {
  it('cannot be reached by ~user, absolute paths, ../ or links', async (t) => {
    if (!requireRoot(t)) return;
    const users = ensureTestUsers();
    const other = users.expired;
    const mine = users.good;
    const mail = new MailHome({ 'home-template': join(dirname(mine.home), '%u'), 'plaintext-hosts': '127.0.0.1' });
    const tag = `names-${process.pid}`;
    const secret = join(other.home, `${tag}-secret`);
    const otherSpool = mail.inboxOf(other.name);
    const links = [join(mine.home, `${tag}-link`), join(mine.home, `${tag}-etc`)];
    const homeMode = lstatSync(other.home).mode & 0o7777;
    t.after(() => {
      for (const path of [secret, ...links]) rmSync(path, { force: true });
      chmodSync(other.home, homeMode);
      mail.remove();
    });
    assert.equal(dirname(other.home), dirname(mine.home), 'both test users live in one home directory');
    // Readable and writable by the session's account: only the name policy keeps it out.
    chmodSync(other.home, 0o755);
    for (const path of [secret, otherSpool]) {
      writeFileSync(path, SECRET, { mode: 0o666 });
      chmodSync(path, 0o666);
      chownSync(path, other.uid, other.gid);
    }
    symlinkSync(other.home, links[0] ?? '');
    symlinkSync('/etc', links[1] ?? '');
    const fingerprint = (): string[] => [secret, otherSpool].map((path) => `${readFileSync(path, 'latin1')} ${lstatSync(path).mtimeMs}`).concat(readdirSync(other.home).sort());
    const untouched = fingerprint();
    const server = await startInetd('imapd', { env: mail.env });
    t.after(() => server.close());
    const client = await ScriptClient.connect(server.port);
    assert.match((await client.line()) ?? '', /^\* OK /);
    assert.match(tagged(await client.command('l', `LOGIN ${mine.name} "${TEST_PASSWORD}"`)), /^l OK /);
    const names = [
      `~${other.name}/${tag}-secret`, `~${other.name}/${tag}-new`, secret, join(other.home, `${tag}-new`), otherSpool,
      `../${other.name}/${tag}-secret`, `${tag}-link/${tag}-secret`, `${tag}-link/${tag}-new`, `${tag}-etc/passwd`, `${tag}-link`,
    ];
    const cases = REFUSING_CASES.filter((entry) => !/COPY|MOVE/.test(entry.command));
    let tags = 0;
    for (const name of names) {
      for (const kase of cases) {
        const lines = await send(client, `p${++tags}`, kase.build(Buffer.from(name)));
        assert.match(tagged(lines), /^p\d+ (NO|BAD) /, `${kase.command} ${name}`);
        assert.ok(!lines.some((line) => line.includes(SECRET_MARK)));
      }
    }
    for (const [reference, pattern] of [[`~${other.name}/`, '*'], ['', `${tag}-link/*`], ['', '*'], [`../${other.name}/`, '%']]) {
      const listedHere = listedNames(await client.command(`q${++tags}`, `LIST "${reference}" "${pattern}"`));
      assert.deepEqual(listedHere.filter((name) => name.includes(tag) || name.includes(other.name)), [], `LIST "${reference}" "${pattern}"`);
    }
    await client.command('z', 'LOGOUT');
    await client.closedByServer();
    assert.deepEqual(fingerprint(), untouched, `${other.name}'s files unchanged, nothing created there`);
    t.diagnostic(`${names.length} names of ${other.name}'s files x ${cases.length} commands refused for ${mine.name} (PAM login)`);
  });
});
