// Concurrent load through a real xinetd: imapd and ipop3d on the guide's
// four loopback services, real PAM users (one of them also in the password
// file, for APOP), and many simultaneous sessions doing mixed IMAP and POP3
// work on the same few mailboxes (half the sessions on one user, so they
// contend; the rest spread over three). Sessions log in over plaintext
// (allowed for 127.0.0.1 by plaintext-hosts), STARTTLS/STLS and implicit
// TLS. Zero protocol errors (see support/load-figures.ts for what counts),
// zero lost or duplicated messages (support/load-verify.ts), no xinetd
// FAIL line and no syslog error. STRESS=1: 50 sessions at a time for 60 s;
// otherwise 16 for 8 s.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config/config';
import type { MailUser } from '../../lib/mail/types';
import { requireProgram, requireRoot } from '../helpers/require';
import { SyslogListener } from '../helpers/syslog';
import { TEST_PASSWORD, ensurePamService, ensureTestUser } from '../helpers/users';
import { GUIDE_SERVICES, XINETD, Xinetd, prepareGuideArea } from '../helpers/xinetd';
import { LoadFigures, type Transport } from './support/load-figures';
import { imapSession } from './support/load-imap';
import { Ledger, makeMessage } from './support/load-ledger';
import { pop3Session } from './support/load-pop3';
import { chance, pick, type SessionPlan } from './support/load-session';
import { verifyMailboxes } from './support/load-verify';

const STRESS = Boolean(process.env.STRESS);
const CONCURRENT = STRESS ? 50 : 16;
const SECONDS = STRESS ? 60 : 8;
const USERS = ['imapload1', 'imapload2', 'imapload3', 'imapload4'] as const;
/** The user listed in the password file: POP3 logs in with APOP half the time. */
const APOP_USER = 'imapload4';
const SEEDS = 12;
const TRANSPORTS: readonly Transport[] = ['plain', 'starttls', 'implicit'];
const SYSLOG_ERR = 3;

let directory: string | undefined;
let syslog: SyslogListener | undefined;
let xinetd: Xinetd | undefined;

after(async () => {
  await xinetd?.stop();
  syslog?.close();
  // The accounts stay, like the other suites' test users: a run beside this
  // one (npm test and npm run stress) may be using them; their mail is here.
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** The user's mail area: seeded INBOX in the spool, empty Load and Archive folders at home. */
function prepareUser(account: MailUser, spool: string, ledger: Ledger): string[] {
  const own = (path: string): void => chownSync(path, account.uid, account.gid);
  mkdirSync(account.home, { mode: 0o700 });
  own(account.home);
  for (const folder of ['Load', 'Archive']) {
    writeFileSync(join(account.home, folder), '', { mode: 0o600 });
    own(join(account.home, folder));
  }
  const seeds = Array.from({ length: SEEDS }, () => makeMessage(account.name, 'seed'));
  const mbox = seeds.map((seed) => `From load@example.org Mon Mar  4 09:12:00 2024\n${seed.text.toString('latin1').replace(/\r\n/g, '\n')}\n`);
  writeFileSync(join(spool, account.name), mbox.join(''), { mode: 0o600 });
  own(join(spool, account.name));
  for (const seed of seeds) {
    ledger.know(seed);
    ledger.add(account.name, 'INBOX', seed.id, 1);
  }
  return seeds.map((seed) => seed.id);
}

describe('concurrent load through xinetd', () => {
  it(`${CONCURRENT} simultaneous IMAP and POP3 sessions for ${SECONDS} s lose nothing and answer cleanly`, { timeout: (SECONDS + 300) * 1000 }, async (t) => {
    if (!requireRoot(t) || !requireProgram(t, XINETD, 'xinetd')) return;
    const dir = mkdtempSync(join(tmpdir(), 'xinetd-load-'));
    directory = dir;
    const listener = SyslogListener.start();
    syslog = listener;
    const passwordFile = join(dir, 'cram-md5.pwd');
    writeFileSync(passwordFile, `${APOP_USER}\t${TEST_PASSWORD}\n`, { mode: 0o600 });
    const area = prepareGuideArea(dir, listener.path, {
      'home-template': join(dir, 'home', '%u'),
      'plaintext-hosts': '127.0.0.1',
      'password-file': passwordFile,
    });
    mkdirSync(join(dir, 'home'), { mode: 0o755 });
    ensurePamService('imap');
    ensurePamService('pop3');
    const ledger = new Ledger();
    const users = USERS.map((name) => {
      const account = ensureTestUser(name, { password: TEST_PASSWORD });
      return { name, uid: account.uid, gid: account.gid, home: join(dir, 'home', name) };
    });
    const seeds = new Map(users.map((user) => [user.name, prepareUser(user, area.spool, ledger)]));
    const server = await Xinetd.start(dir, GUIDE_SERVICES, { IMAPD_CONFIG: area.configPath });
    xinetd = server;

    const imapPorts = { plain: server.port('imap4'), tls: server.port('imaps') };
    const popPorts = { plain: server.port('pop3'), tls: server.port('pop3s') };
    const planFor = (user: (typeof USERS)[number], imap: boolean, figures: LoadFigures): SessionPlan => ({
      ports: imap ? imapPorts : popPorts,
      transport: pick(TRANSPORTS),
      user,
      password: TEST_PASSWORD,
      seeds: seeds.get(user) ?? [],
      ledger,
      figures,
    });
    // Each user's first IMAP session, alone: it writes the UIDs into the
    // MTA-made INBOX. (Sessions that open a mailbox before its UIDs were
    // ever saved lose it when the first read-write session saves them.)
    const firstContact = new LoadFigures();
    for (const user of USERS) await firstContact.session(`first IMAP session of ${user}`, () => imapSession(planFor(user, true, firstContact)));
    assert.deepEqual(firstContact.errors, []);

    const figures = new LoadFigures();
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline) {
        // Half the sessions share one user's mailboxes; the others spread over three.
        const user = chance(0.5) ? USERS[0] : pick(USERS.slice(1));
        const imap = chance(0.6);
        const plan = planFor(user, imap, figures);
        const apop = user === APOP_USER && chance(0.5);
        await figures.session(`${imap ? 'IMAP' : 'POP3'} ${plan.transport} ${user}`, () => (imap ? imapSession(plan) : pop3Session(plan, apop)));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT }, worker));
    const seconds = (Date.now() - started) / 1000;
    await server.stop();

    const verdict = await verifyMailboxes(users, loadConfig({ path: area.configPath }), ledger, area.spool);
    const failures = server.failures();
    // ipop3d logs a lock it could not get at err (counted above as contention).
    const syslogErrors = listener.records
      .filter((record) => record.severity <= SYSLOG_ERR && !/ is locked by another process$/.test(record.message))
      .map((record) => `${record.ident}: ${record.message}`);
    for (const line of figures.summary(seconds)) t.diagnostic(line);
    t.diagnostic(`afterwards: ${verdict.messages} messages in ${users.length * 3} mailboxes checked byte for byte, ${verdict.doubtful} in doubt after failed sessions; xinetd FAIL lines ${failures.length}; syslog errors ${syslogErrors.length}`);

    assert.deepEqual(figures.errors.slice(0, 20), [], `${figures.errors.length} protocol errors`);
    assert.deepEqual(verdict.problems.slice(0, 20), [], `${verdict.problems.length} mailbox problems`);
    assert.deepEqual(failures, []);
    assert.deepEqual(syslogErrors, []);
    assert.ok(figures.sessions >= CONCURRENT, 'every worker ran at least one session');
  });
});
