// Start-up is paid on every connection: the modules that are slow to load
// (TLS, crypto, child processes, PAM, MIME parsing, the command-line parser,
// the syslog addon's JS wrapper) must not be loaded before the greeting.
// Checked on the built servers through the TCP harness (as inetd runs them),
// and on imapd over pipes as an unprivileged user (PREAUTH).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { startInetd } from '../helpers/inetd';
import { binPath } from '../helpers/paths';
import { requireRoot } from '../helpers/require';

/** Debian's nobody and nogroup: an unprivileged user, who gets PREAUTH. */
const NOBODY = 65534;
const HOOK = resolve(__dirname, '../helpers/module-trace.cjs');
const SLOW_TO_LOAD = [
  'child_process', 'tls', 'crypto', 'https', 'http', 'zlib', 'worker_threads',
  'node-linux-pam', 'fs-ext', 'mailparser', 'iconv-lite', 'libmime', 'commander', 'unix-dgram', 'bindings',
];

const scratch = mkdtempSync(join(tmpdir(), 'startup-modules-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

function slowModules(traceFile: string): string[] {
  const loaded = readFileSync(traceFile, 'latin1').split('\n').map((name) => name.replace(/^node:/, ''));
  return loaded.filter((name) => SLOW_TO_LOAD.includes(name));
}

function serverEnv(traceFile: string, config: string): NodeJS.ProcessEnv {
  writeFileSync(traceFile, '', { mode: 0o666 });
  chmodSync(traceFile, 0o666);
  return { PATH: process.env.PATH, IMAPD_CONFIG: config, NODE_OPTIONS: `--require ${HOOK}`, MODULE_TRACE_FILE: traceFile };
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      stream.off('data', onData);
      resolvePromise(text.slice(0, end));
    };
    stream.on('data', onData);
    stream.once('error', reject);
    stream.once('end', () => reject(new Error(`closed before a greeting: ${JSON.stringify(text)}`)));
  });
}

describe('start-up', () => {
  const servers = [
    { program: 'imapd', greeting: /^\* OK /, farewell: 'a LOGOUT\r\n' },
    { program: 'ipop3d', greeting: /^\+OK /, farewell: 'QUIT\r\n' },
    { program: 'ipop2d', greeting: /^\+ /, farewell: 'QUIT\r\n' },
  ];
  for (const { program, greeting, farewell } of servers) {
    it(`${program} loads none of the slow modules before its greeting under inetd`, async () => {
      const traceFile = join(scratch, `${program}.trace`);
      const config = join(scratch, `${program}.cf`);
      writeFileSync(config, `set syslog-socket ${join(scratch, 'no-syslog')}\n`);
      const inetd = await startInetd(program, { env: serverEnv(traceFile, config) });
      try {
        const socket = connect(inetd.port, '127.0.0.1');
        const timer = setTimeout(() => socket.destroy(), 20000);
        assert.match(await firstLine(socket), greeting);
        assert.deepEqual(slowModules(traceFile), []);
        socket.end(farewell);
        await new Promise((resolvePromise) => socket.once('close', resolvePromise));
        clearTimeout(timer);
      } finally {
        await inetd.close();
      }
    });
  }

  it('loads none of them before a PREAUTH greeting over pipes', async (t) => {
    if (!requireRoot(t)) return;
    const home = join(scratch, 'home');
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    const traceFile = join(scratch, 'pipe.trace');
    const config = join(scratch, 'pipe.cf');
    writeFileSync(config, `set spool-directory ${home}\nset home-template ${home}\nset syslog-socket ${join(scratch, 'no-syslog')}\n`);
    chmodSync(config, 0o644);
    const child = spawn(binPath('imapd'), [], { env: serverEnv(traceFile, config), uid: NOBODY, gid: NOBODY, stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    const closed = new Promise((resolvePromise) => child.once('close', resolvePromise));
    const greeting = await firstLine(child.stdout);
    assert.match(greeting, /^\* PREAUTH /);
    assert.deepEqual(slowModules(traceFile), []);
    child.stdin.end('a LOGOUT\r\n');
    child.stdout.resume();
    await closed;
    clearTimeout(timer);
  });
});
