// Stop signals through the real executables, as inetd spawns them: SIGTERM
// and SIGHUP end an IMAP session with its pending flag changes written (no
// expunge), `* BYE` and a log line, exit status 0, whether the session was
// between commands or inside IDLE. ipop3d and ipop2d close without applying
// the deletions of a session that did not QUIT.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { SuperServer } from '../../lib/inetd/superserver';
import { ScriptClient } from '../helpers/client';
import { requireRoot, rootSuiteSkip } from '../helpers/require';
import { SyslogListener } from '../helpers/syslog';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, PopHome, USER, startPop } from '../protocol/pop3/pop-home';

/** A session still running this long after the signal did not stop. */
const STOP_WITHIN_MS = 15_000;

let syslog: SyslogListener;

async function withHome(program: string, body: (server: SuperServer, home: PopHome) => Promise<void>): Promise<void> {
  const home = new PopHome({ ...LOOPBACK_PLAINTEXT, 'syslog-socket': syslog.path });
  home.deliver(...MESSAGES);
  const server = await startPop(home, program);
  try {
    await body(server, home);
  } finally {
    await server.close(1000);
    home.remove();
  }
}

async function open(server: SuperServer): Promise<{ client: ScriptClient; child: ChildProcess }> {
  const known = new Set(server.children);
  const client = await ScriptClient.connect(server.port);
  await client.line();
  const child = [...server.children].find((candidate) => !known.has(candidate));
  assert.ok(child, 'the server process for this connection');
  return { client, child };
}

/** Sends `signal` and resolves with the exit status and everything the client got afterwards. */
async function stopWith(child: ChildProcess, client: ScriptClient, signal: NodeJS.Signals): Promise<{ code: number | null; lines: string[]; ms: number }> {
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const sent = Date.now();
  child.kill(signal);
  const lines: string[] = [];
  for (let line = await client.line(STOP_WITHIN_MS); line !== undefined; line = await client.line(STOP_WITHIN_MS)) lines.push(line);
  return { code: await exit, lines, ms: Date.now() - sent };
}

function subjects(spool: string): string[] {
  return [...spool.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1] ?? '').filter((subject) => !subject.startsWith("DON'T DELETE"));
}

describe('stop signals', { skip: rootSuiteSkip() }, () => {
  before(() => {
    syslog = SyslogListener.start();
  });
  after(() => syslog?.close());

  for (const [signal, reason] of [['SIGTERM', 'Killed'], ['SIGHUP', 'Hangup']] as const) {
    it(`imapd: ${signal} between commands writes pending flags, says BYE, logs ${reason} and exits 0`, async (t) => {
      if (!requireRoot(t)) return;
      await withHome('imapd', async (server, home) => {
        const { client, child } = await open(server);
        await client.command('a', `LOGIN ${USER} "${PASSWORD}"`);
        await client.command('b', 'SELECT INBOX');
        assert.match((await client.command('c', 'STORE 2 +FLAGS (\\Flagged \\Deleted)')).at(-1) ?? '', /^c OK/);
        const { code, lines } = await stopWith(child, client, signal);
        assert.deepEqual(lines, ['* BYE Server shutting down']);
        assert.equal(code, 0);
        const spool = home.spoolText();
        assert.deepEqual(subjects(spool), ['first', 'dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart'], 'nothing expunged');
        assert.match(spool, /Subject: dots\n(?:.*\n)*?X-Status: D?F/, 'the flags of message 2 are on disk');
        await syslog.waitFor(new RegExp(`^${reason} user=${USER} host=\\[127\\.0\\.0\\.1\\]$`));
      });
    });
  }

  it('imapd: SIGTERM during IDLE ends the IDLE and the session, flags written', async (t) => {
    if (!requireRoot(t)) return;
    await withHome('imapd', async (server, home) => {
      const { client, child } = await open(server);
      await client.command('a', `LOGIN ${USER} "${PASSWORD}"`);
      await client.command('b', 'SELECT INBOX');
      await client.command('c', 'STORE 1 +FLAGS.SILENT (\\Answered)');
      client.send('i IDLE');
      assert.equal(await client.line(), '+ idling');
      const { code, lines, ms } = await stopWith(child, client, 'SIGTERM');
      t.diagnostic(`IDLE stopped ${ms} ms after SIGTERM: ${lines.join(' | ')}`);
      assert.deepEqual(lines.slice(-1), ['* BYE Server shutting down']);
      assert.equal(code, 0);
      assert.match(home.spoolText(), /Subject: first\n(?:.*\n)*?X-Status: A/);
    });
  });

  it('ipop3d: DELE without QUIT, then SIGTERM, keeps the message', async (t) => {
    if (!requireRoot(t)) return;
    await withHome('ipop3d', async (server, home) => {
      const { client, child } = await open(server);
      client.send(`USER ${USER}`);
      await client.line();
      client.send(`PASS ${PASSWORD}`);
      assert.match((await client.line()) ?? '', /^\+OK /);
      client.send('DELE 1');
      assert.match((await client.line()) ?? '', /^\+OK /);
      const { code } = await stopWith(child, client, 'SIGTERM');
      assert.equal(code, 0);
      assert.deepEqual(subjects(home.spoolText()), ['first', 'dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart']);
      await syslog.waitFor(new RegExp(`^Killed user=${USER} host=`));
    });
  });

  it('ipop2d: ACKD without QUIT, then SIGTERM, keeps the message', async (t) => {
    if (!requireRoot(t)) return;
    await withHome('ipop2d', async (server, home) => {
      const { client, child } = await open(server);
      client.send(`HELO ${USER} ${PASSWORD}`);
      assert.equal(await client.line(), '#4 messages in INBOX');
      client.send('READ');
      const size = Number(/^=(\d+)/.exec((await client.line()) ?? '')?.[1]);
      client.send('RETR');
      await client.bytes(size);
      client.send('ACKD');
      assert.match((await client.line()) ?? '', /^=\d+ characters in message 2/);
      const { code } = await stopWith(child, client, 'SIGTERM');
      assert.equal(code, 0);
      assert.deepEqual(subjects(home.spoolText()), ['first', 'dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart']);
    });
  });
});
