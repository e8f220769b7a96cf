// Python's poplib against the real bin/ipop3d through the inetd harness:
// every command poplib has, over plain POP3 (loopback allowed plaintext),
// STLS and implicit TLS (pop3s). RETR is compared byte for byte with what
// was delivered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { requireRoot } from '../helpers/require';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, USER, served, withPop } from '../protocol/pop3/pop-home';

/** Debian's python3 (package python3), else whichever is on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs every poplib command and prints what it got as JSON. Bytes travel as latin1 strings. */
const SCRIPT = String.raw`
import json, poplib, ssl, sys
port, mode, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
def text(value):
    if isinstance(value, bytes):
        return value.decode('latin1')
    if isinstance(value, (list, tuple)):
        return [text(item) for item in value]
    if isinstance(value, dict):
        return {key: text(item) for key, item in value.items()}
    return value
out = {}
if mode == 'ssl':
    pop = poplib.POP3_SSL('127.0.0.1', port, context=context, timeout=20)
else:
    pop = poplib.POP3('127.0.0.1', port, timeout=20)
out['welcome'] = text(pop.getwelcome())
out['capa_before'] = text(pop.capa())
if mode == 'stls':
    out['stls'] = text(pop.stls(context=context))
    out['capa_after'] = text(pop.capa())
try:
    pop.user('nobody-here')
    pop.pass_('wrong')
except poplib.error_proto as error:
    out['bad_login'] = text(error.args[0])
out['user'] = text(pop.user(user))
out['pass'] = text(pop.pass_(password))
out['stat'] = list(pop.stat())
out['list'] = text(pop.list())
out['list_one'] = text(pop.list(2))
out['uidl'] = text(pop.uidl())
out['uidl_one'] = text(pop.uidl(1))
out['retr'] = [text(pop.retr(n)) for n in range(1, out['stat'][0] + 1)]
out['top'] = text(pop.top(2, 1))
out['noop'] = text(pop.noop())
out['dele'] = text(pop.dele(1))
try:
    pop.retr(1)
except poplib.error_proto as error:
    out['retr_deleted'] = text(error.args[0])
out['rset'] = text(pop.rset())
out['dele_again'] = text(pop.dele(3))
out['quit'] = text(pop.quit())
print(json.dumps(out))
`;

interface PoplibResult {
  welcome: string;
  capa_before: Record<string, string[]>;
  capa_after?: Record<string, string[]>;
  stls?: string;
  bad_login: string;
  user: string;
  pass: string;
  stat: [number, number];
  list: [string, string[], number];
  list_one: string;
  uidl: [string, string[], number];
  uidl_one: string;
  retr: Array<[string, string[], number]>;
  top: [string, string[], number];
  noop: string;
  dele: string;
  retr_deleted: string;
  rset: string;
  dele_again: string;
  quit: string;
}

function runPoplib(port: number, mode: 'plain' | 'stls' | 'ssl'): Promise<PoplibResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, String(port), mode, USER, PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`poplib (${mode}) exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as PoplibResult);
    });
  });
}

function checkSession(result: PoplibResult): void {
  assert.match(result.welcome, /^\+OK POP3 /);
  assert.match(result.bad_login, /^-ERR \[AUTH\] Authentication failed/);
  assert.equal(result.user, '+OK User name accepted, password please');
  assert.equal(result.pass, `+OK Mailbox open, ${MESSAGES.length} messages`);
  assert.equal(result.stat[0], MESSAGES.length);
  const sizes = result.list[1].map((line) => Number(line.split(' ')[1]));
  assert.equal(result.stat[1], sizes.reduce((a, b) => a + b));
  assert.equal(result.list_one, `+OK 2 ${sizes[1]}`);
  assert.equal(result.uidl[1].length, MESSAGES.length);
  assert.equal(result.uidl_one, `+OK ${result.uidl[1][0]}`);
  result.retr.forEach(([status, lines, octets], index) => {
    const delivered = served(MESSAGES[index]!);
    // poplib hands back the lines unstuffed and without their CRLF.
    assert.deepEqual(Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1'), delivered, `RETR ${index + 1}`);
    const dotLines = delivered.toString('latin1').split('\r\n').filter((line) => line.startsWith('.')).length;
    assert.equal(status, `+OK ${(sizes[index] ?? 0) + dotLines} octets`, 'RETR announces the stuffed octets it sends');
    assert.equal(octets, sizes[index], 'poplib counts unstuffed octets, as LIST does (RFC 1939 §11)');
  });
  assert.deepEqual(result.top[1], ['From: Bob <bob@example.org>', 'To: popper@example.org', 'Subject: dots', '', '.']);
  assert.equal(result.noop, '+OK No-op to you too!');
  assert.equal(result.dele, '+OK Message 1 deleted');
  assert.equal(result.retr_deleted, '-ERR Message 1 is already deleted');
  assert.equal(result.rset, `+OK Reset state, ${MESSAGES.length} messages`);
  assert.equal(result.dele_again, '+OK Message 3 deleted');
  assert.equal(result.quit, `+OK Sayonara (1 deleted, ${MESSAGES.length - 1} kept)`);
}

describe('Python poplib against ipop3d', () => {
  it('plain POP3 (plaintext allowed for loopback)', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(...MESSAGES);
      const result = await runPoplib(server.port, 'plain');
      assert.ok('USER' in result.capa_before && 'STLS' in result.capa_before);
      checkSession(result);
      assert.doesNotMatch(home.spoolText(), /Subject: =\?UTF-8/);
    });
  });

  it('STLS, then the same session inside TLS', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({}, async (server, home) => {
      home.deliver(...MESSAGES);
      const result = await runPoplib(server.port, 'stls');
      assert.ok(!('USER' in result.capa_before), 'no USER before TLS');
      assert.equal(result.stls, '+OK Begin TLS negotiation');
      assert.ok(result.capa_after && 'USER' in result.capa_after && !('STLS' in result.capa_after));
      checkSession(result);
    });
  });

  it('implicit TLS (pop3s, --tls)', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      {},
      async (server, home) => {
        home.deliver(...MESSAGES);
        const result = await runPoplib(server.port, 'ssl');
        assert.ok('USER' in result.capa_before && !('STLS' in result.capa_before));
        checkSession(result);
      },
      'ipop3d',
      ['--tls'],
    );
  });
});
