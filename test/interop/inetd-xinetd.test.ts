// The FreeBSD guide's deployment under a real xinetd: the four services
// (imap4, imaps, pop3, pop3s) on loopback, tcp_wrappers files, PAM service
// files with the guide's lines, system users (one expired), a certificate
// and a test syslog socket. Then the checks of the guide and of issue 5:
// plaintext refused without TLS, STARTTLS/STLS and implicit TLS logins,
// openssl s_client piping, the privilege drop, hosts.deny, the expired
// account, the three-failure cutoff and UW's log lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ScriptClient } from '../helpers/client';
import { IS_ROOT, requireProgram, requireRoot } from '../helpers/require';
import { FACILITY, SyslogListener } from '../helpers/syslog';
import { EXPIRED_USER, GOOD_USER, TEST_PASSWORD, ensureTestUsers } from '../helpers/users';
import { ALLOW_DAEMONS, GUIDE_SERVICES, type GuideArea, prepareGuideArea, XINETD, Xinetd } from '../helpers/xinetd';

const OPENSSL = '/usr/bin/openssl';
const USER = GOOD_USER;
const EXPIRED = EXPIRED_USER;
const PASSWORD = TEST_PASSWORD;
const MESSAGE = 'From alice@example.org Mon Mar  4 09:12:00 2024\nFrom: alice@example.org\nSubject: hello over xinetd\n\nHi.\n';

function status(pid: number, field: 'Uid' | 'Gid'): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith(`${field}:`)) ?? '';
  return line.split(/\s+/).slice(1, 5).map(Number);
}

function sClient(args: readonly string[], script: string): string {
  const result = spawnSync(OPENSSL, ['s_client', '-quiet', '-ign_eof', ...args], { input: script, encoding: 'utf8', timeout: 30000 });
  return result.stdout;
}

describe('the guide\'s services under xinetd', () => {
  let dir: string;
  let syslog: SyslogListener;
  let xinetd: Xinetd | undefined;
  let ids: { uid: number; gid: number };
  let area: GuideArea;

  before(async () => {
    if (!IS_ROOT || !existsSync(XINETD)) return;
    dir = mkdtempSync(join(tmpdir(), 'xinetd-guide-'));
    syslog = SyslogListener.start();
    area = prepareGuideArea(dir, syslog.path);
    // Test users (one expired) and the guide's PAM services imap and pop3.
    const { good } = ensureTestUsers();
    ids = { uid: good.uid, gid: good.gid };
    const inbox = join(area.spool, USER);
    writeFileSync(inbox, MESSAGE, { mode: 0o600 });
    chownSync(inbox, ids.uid, ids.gid);
    xinetd = await Xinetd.start(dir, GUIDE_SERVICES, { IMAPD_CONFIG: area.configPath });
  });

  after(async () => {
    await xinetd?.stop();
    if (!dir) return;
    syslog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = (t: TestContext): boolean =>
    requireRoot(t) && requireProgram(t, XINETD, 'xinetd') && xinetd !== undefined;

  it('plain IMAP refuses the password: LOGINDISABLED, NO [PRIVACYREQUIRED]', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connect(xinetd.port('imap4'));
    const greeting = (await client.line()) ?? '';
    assert.match(greeting, /^\* OK /);
    assert.match(greeting, /LOGINDISABLED/);
    assert.match(greeting, /STARTTLS/);
    assert.match((await client.command('a', `LOGIN ${USER} ${PASSWORD}`)).at(-1) ?? '', /^a NO \[PRIVACYREQUIRED\]/);
    await client.command('z', 'LOGOUT');
    client.close();
  });

  it('plain POP3 refuses the password: no USER in CAPA, -ERR [AUTH]', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connect(xinetd.port('pop3'));
    assert.match((await client.line()) ?? '', /^\+OK /);
    client.send('CAPA');
    const capabilities: string[] = [];
    for (let line = await client.line(); line !== undefined && line !== '.'; line = await client.line()) capabilities.push(line);
    assert.ok(capabilities.includes('STLS'), capabilities.join('|'));
    assert.ok(!capabilities.includes('USER'), capabilities.join('|'));
    client.send(`USER ${USER}`);
    assert.match((await client.line()) ?? '', /^-ERR \[AUTH\]/);
    client.send('QUIT');
    await client.line();
    client.close();
  });

  it('STARTTLS, then LOGIN: the session runs as the user, with UW\'s log lines', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connect(xinetd.port('imap4'));
    await client.line();
    assert.match((await client.command('a', 'STARTTLS')).at(-1) ?? '', /^a OK/);
    await client.startTls();
    const capability = (await client.command('b', 'CAPABILITY')).join('\n');
    assert.doesNotMatch(capability, /LOGINDISABLED|STARTTLS/);
    assert.match((await client.command('c', `LOGIN ${USER} ${PASSWORD}`)).at(-1) ?? '', /^c OK/);
    const login = await syslog.waitFor(new RegExp(`^Login user=${USER} host=.*\\[127\\.0\\.0\\.1\\]$`));
    assert.equal(login.facility, FACILITY.mail);
    // Real, effective, saved and filesystem ids are all the user's.
    assert.deepEqual(status(login.pid, 'Uid'), [ids.uid, ids.uid, ids.uid, ids.uid]);
    assert.deepEqual(status(login.pid, 'Gid'), [ids.gid, ids.gid, ids.gid, ids.gid]);
    assert.match((await client.command('d', 'SELECT INBOX')).join('\n'), /\* 1 EXISTS/);
    assert.match((await client.command('e', 'LOGOUT')).at(-1) ?? '', /^e OK/);
    await client.closedByServer();
    await syslog.waitFor(new RegExp(`^Logout user=${USER} host=.*\\[127\\.0\\.0\\.1\\]$`));
  });

  it('STLS, then USER/PASS on POP3', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connect(xinetd.port('pop3'));
    await client.line();
    client.send('STLS');
    assert.match((await client.line()) ?? '', /^\+OK/);
    await client.startTls();
    client.send(`USER ${USER}`);
    assert.match((await client.line()) ?? '', /^\+OK/);
    client.send(`PASS ${PASSWORD}`);
    assert.match((await client.line()) ?? '', /^\+OK/);
    client.send('STAT');
    assert.match((await client.line()) ?? '', /^\+OK 1 \d+$/);
    client.send('QUIT');
    assert.match((await client.line()) ?? '', /^\+OK/);
    await syslog.waitFor(new RegExp(`^Login user=${USER} host=.*\\[127\\.0\\.0\\.1\\] nmsgs=1/1$`));
  });

  it('implicit TLS on the imaps and pop3s entries', async (t) => {
    if (!ready(t) || !xinetd) return;
    const imap = await ScriptClient.connectTls(xinetd.port('imaps'));
    assert.match((await imap.line()) ?? '', /^\* OK /);
    assert.match((await imap.command('a', `LOGIN ${USER} ${PASSWORD}`)).at(-1) ?? '', /^a OK/);
    await imap.command('b', 'LOGOUT');
    imap.close();
    const pop = await ScriptClient.connectTls(xinetd.port('pop3s'));
    assert.match((await pop.line()) ?? '', /^\+OK /);
    pop.send(`USER ${USER}`);
    assert.match((await pop.line()) ?? '', /^\+OK/);
    pop.send(`PASS ${PASSWORD}`);
    assert.match((await pop.line()) ?? '', /^\+OK/);
    pop.send('QUIT');
    await pop.line();
    pop.close();
  });

  it('openssl s_client, piped, as the guide\'s manual test', (t) => {
    if (!ready(t) || !xinetd || !requireProgram(t, OPENSSL, 'openssl')) return;
    const script = `a LOGIN ${USER} ${PASSWORD}\r\nb LOGOUT\r\n`;
    const starttls = sClient(['-starttls', 'imap', '-connect', `127.0.0.1:${xinetd.port('imap4')}`], script);
    assert.match(starttls, /^a OK/m);
    assert.match(starttls, /^b OK/m);
    const implicit = sClient(['-connect', `127.0.0.1:${xinetd.port('imaps')}`], script);
    assert.match(implicit, /^\* OK /m);
    assert.match(implicit, /^a OK/m);
    assert.match(implicit, /^b OK/m);
    const pop = sClient(['-starttls', 'pop3', '-connect', `127.0.0.1:${xinetd.port('pop3')}`], `USER ${USER}\r\nPASS ${PASSWORD}\r\nQUIT\r\n`);
    assert.match(pop, /^\+OK Sayonara/m);
  });

  it('the expired account is refused like a wrong password', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connectTls(xinetd.port('imaps'));
    await client.line();
    const expired = (await client.command('a', `LOGIN ${EXPIRED} ${PASSWORD}`)).at(-1) ?? '';
    const wrong = (await client.command('b', `LOGIN ${USER} not-the-password`)).at(-1) ?? '';
    assert.match(expired, /^a NO /);
    assert.equal(expired.slice(2), wrong.slice(2), 'the same answer for an expired account and a wrong password');
    client.close();
    const line = await syslog.waitFor(new RegExp(`^Login failed user=${EXPIRED} auth=${EXPIRED} host=.*\\[127\\.0\\.0\\.1\\]$`));
    assert.equal(line.facility, FACILITY.auth);
  });

  it('three failures end the session', async (t) => {
    if (!ready(t) || !xinetd) return;
    const client = await ScriptClient.connectTls(xinetd.port('imaps'));
    await client.line();
    for (const tag of ['a', 'b', 'c']) {
      client.send(`${tag} LOGIN ${USER} wrong-${tag}`);
      const lines: string[] = [];
      for (let line = await client.line(); line !== undefined; line = await client.line()) {
        lines.push(line);
        if (line.startsWith(`${tag} `)) break;
      }
      assert.match(lines.join('\n'), new RegExp(`^${tag} NO`, 'm'));
    }
    await client.closedByServer();
    const failures = syslog.records.filter((record) => new RegExp(`^Login failed user=${USER} `).test(record.message));
    assert.ok(failures.length >= 3, syslog.messages.join('\n'));
  });

  it('hosts.deny refuses: one line, a closed connection, a log line', async (t) => {
    if (!ready(t) || !xinetd) return;
    area.writeWrappers('ipop3d : ALL : allow\n', 'imapd : 127.0.0.1\n');
    try {
      const client = await ScriptClient.connect(xinetd.port('imap4'));
      assert.equal(await client.line(), '* BYE Access denied');
      await client.closedByServer();
      const refused = await syslog.waitFor(/^refused connect from 127\.0\.0\.1$/);
      assert.equal(refused.ident, 'imapd');
      area.writeWrappers('', 'ALL : ALL\n');
      const pop = await ScriptClient.connect(xinetd.port('pop3'));
      assert.equal(await pop.line(), '-ERR Access denied');
      await pop.closedByServer();
    } finally {
      area.writeWrappers(ALLOW_DAEMONS, 'ALL : ALL\n');
    }
  });
});
