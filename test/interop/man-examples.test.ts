// The EXAMPLES of the manual pages work as printed: the hosts.allow lines
// give the verdicts the text promises (checked by tcp_wrappers' own
// tcpdmatch), and the xinetd service file runs imapd under a real xinetd.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScriptClient } from '../helpers/client';
import { binPath } from '../helpers/paths';
import { requireProgram, requireRoot } from '../helpers/require';
import { MANDOC, renderedText } from '../unit/man/manpage';

const TCPDMATCH = '/usr/sbin/tcpdmatch';
const XINETD = '/usr/sbin/xinetd';

/** The example lines of a rendered page, trimmed. */
function exampleLines(page: string): string[] {
  return renderedText(page).split('\n').map((line) => line.trim());
}

/** The printed lines starting at `first`, through the first line equal to `last`. */
function block(lines: readonly string[], first: string, last: string): string[] {
  const start = lines.indexOf(first);
  assert.ok(start >= 0, `no line "${first}" in the page`);
  const end = lines.indexOf(last, start);
  assert.ok(end > start, `no "${last}" after "${first}"`);
  return lines.slice(start, end + 1);
}

function verdict(directory: string, daemon: string, client: string): string {
  const result = spawnSync(TCPDMATCH, ['-d', daemon, client], { cwd: directory, encoding: 'utf8', timeout: 20000 });
  return /access:\s+(\w+)/.exec(result.stdout)?.[1] ?? `no verdict: ${result.stdout}${result.stderr}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function connectWhenListening(port: number): Promise<ScriptClient> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await ScriptClient.connect(port);
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(100);
    }
  }
}

describe('manual page examples', () => {
  it('the hosts.allow examples of imapd(8) grant and deny as described', (t) => {
    if (!requireProgram(t, MANDOC, 'mandoc') || !requireProgram(t, TCPDMATCH, 'tcpd')) return;
    const lines = exampleLines('imapd.8');
    const directory = mkdtempSync(join(tmpdir(), 'man-hosts-'));
    try {
      // The guide's two lines, with everything else denied: both daemons open to all.
      writeFileSync(join(directory, 'hosts.allow'), `${block(lines, 'imapd : ALL : allow', 'ipop3d : ALL : allow').join('\n')}\n`);
      writeFileSync(join(directory, 'hosts.deny'), 'ALL : ALL\n');
      assert.equal(verdict(directory, 'imapd', '203.0.113.9'), 'granted');
      assert.equal(verdict(directory, 'ipop3d', '203.0.113.9'), 'granted');
      assert.equal(verdict(directory, 'ipop2d', '203.0.113.9'), 'denied');
      // "To allow only the local network".
      writeFileSync(join(directory, 'hosts.allow'), `${block(lines, 'imapd : 192.168.1.0/255.255.255.0 : allow', 'imapd : ALL : deny').join('\n')}\n`);
      writeFileSync(join(directory, 'hosts.deny'), '');
      assert.equal(verdict(directory, 'imapd', '192.168.1.7'), 'granted');
      assert.equal(verdict(directory, 'imapd', '203.0.113.9'), 'denied');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('the xinetd service file of imapd(8) runs imapd under xinetd', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, MANDOC, 'mandoc') || !requireProgram(t, XINETD, 'xinetd')) return;
    const service = block(exampleLines('imapd.8'), 'service imaps', '}');
    const port = await freePort();
    // Only what a test needs on top of the printed file: our checkout's
    // executable, a free loopback port instead of 993, and no /etc/services entry.
    const adapted = service.map((line) => (line.startsWith('server') ? `server = ${binPath('imapd')}` : line));
    adapted.splice(adapted.length - 1, 0, `port = ${port}`, 'bind = 127.0.0.1', 'type = UNLISTED');
    const directory = mkdtempSync(join(tmpdir(), 'man-xinetd-'));
    const configPath = join(directory, 'xinetd.conf');
    writeFileSync(configPath, `${adapted.join('\n')}\n`);
    const xinetd = spawn(XINETD, ['-dontfork', '-f', configPath, '-pidfile', join(directory, 'pid')], { stdio: 'ignore' });
    try {
      const client = await connectWhenListening(port);
      assert.match((await client.line()) ?? '', /^\* OK /);
      assert.equal((await client.command('a', 'LOGOUT')).at(-1), 'a OK LOGOUT completed');
      await client.closedByServer();
    } finally {
      const exited = once(xinetd, 'exit');
      xinetd.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
