// `npm start`: the demo launcher serves its mail store on four loopback
// ports through the inetd-style spawner; curl reads it over IMAPS, POP3S and
// STARTTLS; Ctrl-C (SIGINT) stops it cleanly. Free ports (--ports 0,0,0,0)
// and a temporary --dir keep it apart from a demo the developer may run.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';
import { requireProgram } from '../helpers/require';

const CURL = '/usr/bin/curl';

interface RunningDemo {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly ports: { imap: number; imaps: number; pop3: number; pop3s: number };
}

async function startDemo(dir: string): Promise<RunningDemo> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'demo.cjs'), '--dir', dir, '--ports', '0,0,0,0'], { stdio: 'pipe' });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 30000;
  while (!/Press Ctrl-C/.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const port = (label: string): number => Number(new RegExp(`${label} 127\\.0\\.0\\.1:(\\d+)`).exec(text)?.[1]);
  return { child, output: () => text, ports: { imap: port('IMAP'), imaps: port('IMAPS'), pop3: port('POP3'), pop3s: port('POP3S') } };
}

function curl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(CURL, ['-sS', '-k', '--max-time', '20', '-u', 'demo:demo', ...args], { encoding: 'utf8' });
}

describe('npm start (the demo launcher)', () => {
  let dir: string;
  let demo: RunningDemo | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'imapd-demo-'));
    // As root the sessions run as nobody, who must be able to reach the store.
    chmodSync(dir, 0o755);
  });

  after(() => {
    demo?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is what package.json starts', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.start, 'node dist/demo.cjs');
  });

  it('makes the demo files and prints how to connect', async () => {
    demo = await startDemo(dir);
    for (const file of ['imapd.cf', 'cram-md5.pwd', 'certs/imapd.pem', 'certs/ipop3d.pem', 'spool/demo', 'home/demo/Archive', 'hosts.allow']) {
      assert.ok(existsSync(join(dir, file)), `${file} exists`);
    }
    assert.match(demo.output(), /Made the demo mail store/);
    assert.match(demo.output(), /curl -k imaps:\/\/127\.0\.0\.1:\d+\//);
    assert.match(demo.output(), /openssl s_client/);
    assert.match(demo.output(), /mutt -f/);
    assert.doesNotMatch(demo.output(), /warning/);
  });

  it('serves IMAPS to curl: the folders, then a message', (t) => {
    if (!requireProgram(t, CURL, 'curl') || !demo) return;
    const list = curl(`imaps://127.0.0.1:${demo.ports.imaps}/`);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /INBOX/);
    assert.match(list.stdout, /Archive/);
    const message = curl(`imaps://127.0.0.1:${demo.ports.imaps}/INBOX;UID=1`);
    assert.equal(message.status, 0, message.stderr);
    assert.match(message.stdout, /Subject: Welcome to the imapd demo/);
  });

  it('serves IMAP with STARTTLS to curl', (t) => {
    if (!requireProgram(t, CURL, 'curl') || !demo) return;
    const message = curl('--ssl-reqd', `imap://127.0.0.1:${demo.ports.imap}/INBOX;UID=4`);
    assert.equal(message.status, 0, message.stderr);
    assert.match(message.stdout, /Subject: Lunch on Friday\?/);
  });

  it('serves POP3S and POP3 with STLS to curl', (t) => {
    if (!requireProgram(t, CURL, 'curl') || !demo) return;
    const list = curl(`pop3s://127.0.0.1:${demo.ports.pop3s}/`);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^1 \d+\r?$/m);
    const top = curl('--ssl-reqd', `pop3://127.0.0.1:${demo.ports.pop3}/4`);
    assert.equal(top.status, 0, top.stderr);
    assert.match(top.stdout, /Lunch on Friday/);
  });

  it('stops cleanly on Ctrl-C, and a second run reuses the mail store', async () => {
    assert.ok(demo);
    demo.child.kill('SIGINT');
    const [code] = (await once(demo.child, 'exit')) as [number | null];
    assert.equal(code, 0, demo.output());
    demo = await startDemo(dir);
    assert.doesNotMatch(demo.output(), /Made the demo mail store/);
    demo.child.kill('SIGTERM');
    assert.deepEqual(await once(demo.child, 'exit'), [0, null]);
    demo = undefined;
  });
});
