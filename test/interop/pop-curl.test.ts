// curl's POP3 client against the real bin/ipop3d through the inetd harness:
// LIST, RETR (byte for byte), UIDL and DELE as custom commands, SASL, APOP,
// STLS (--ssl-reqd) and pop3s (implicit TLS).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { requireProgram, requireRoot } from '../helpers/require';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, USER, served, withPop } from '../protocol/pop3/pop-home';

const CURL = '/usr/bin/curl';

function curl(args: readonly string[]): Promise<{ status: number | null; body: Buffer; log: string }> {
  return new Promise((resolve) => {
    // Asynchronously: the harness serving the connection runs in this process.
    const child = spawn(CURL, ['--silent', '--show-error', '--max-time', '30', '--user', `${USER}:${PASSWORD}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const body: Buffer[] = [];
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => body.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, body: Buffer.concat(body), log }));
  });
}

function subjects(text: string): string[] {
  return [...text.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1] ?? '').filter((subject) => !subject.startsWith("DON'T DELETE"));
}

describe('curl against ipop3d', () => {
  it('pop3:// over loopback: LIST, RETR of every message, UIDL, DELE, and APOP', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, CURL, 'curl')) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(...MESSAGES);
      const url = `pop3://127.0.0.1:${server.port}`;
      const list = await curl([`${url}/`]);
      assert.equal(list.status, 0, list.log);
      // RFC 1939 §11: CRLF line ends counted, stuffed dots not.
      const sizes = MESSAGES.map((message) => served(message).length);
      assert.equal(list.body.toString(), sizes.map((size, index) => `${index + 1} ${size}\r\n`).join(''));
      for (let number = 1; number <= MESSAGES.length; number++) {
        const retr = await curl([`${url}/${number}`]);
        assert.equal(retr.status, 0, retr.log);
        assert.deepEqual(retr.body, served(MESSAGES[number - 1]!), `RETR ${number} through curl`);
      }
      const uidl = await curl(['--request', 'UIDL', `${url}/`]);
      assert.match(uidl.body.toString(), /^1 [0-9a-f]{16}\r\n2 [0-9a-f]{16}\r\n3 [0-9a-f]{16}\r\n4 [0-9a-f]{16}\r\n$/);
      const apop = await curl(['--login-options', 'AUTH=+APOP', `${url}/1`]);
      assert.equal(apop.status, 0, apop.log);
      assert.deepEqual(apop.body, served(MESSAGES[0]!));
      const dele = await curl(['--request', 'DELE', '--head', `${url}/1`]);
      assert.equal(dele.status, 0, dele.log);
      assert.deepEqual(subjects(home.spoolText()), ['dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart']);
    });
  });

  it('pop3:// with --ssl-reqd uses STLS where plaintext needs TLS', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, CURL, 'curl')) return;
    await withPop({ 'disable-plaintext': 'yes' }, async (server, home) => {
      home.deliver(...MESSAGES);
      const retr = await curl(['--ssl-reqd', '--insecure', '--login-options', 'AUTH=PLAIN', `pop3://127.0.0.1:${server.port}/2`]);
      assert.equal(retr.status, 0, retr.log);
      assert.deepEqual(retr.body, served(MESSAGES[1]!));
      const refused = await curl(['--login-options', 'AUTH=PLAIN', `pop3://127.0.0.1:${server.port}/2`]);
      assert.notEqual(refused.status, 0, 'PLAIN is not offered without TLS');
    });
  });

  it('pop3s:// (implicit TLS)', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, CURL, 'curl')) return;
    await withPop(
      {},
      async (server, home) => {
        home.deliver(...MESSAGES);
        const retr = await curl(['--insecure', `pop3s://127.0.0.1:${server.port}/3`]);
        assert.equal(retr.status, 0, retr.log);
        assert.deepEqual(retr.body, served(MESSAGES[2]!));
      },
      'ipop3d',
      ['--tls'],
    );
  });
});
