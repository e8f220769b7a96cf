// Resource limits through the real executables, spawned the way inetd
// spawns them: huge literals (refused before the `+`, or cut off when sent
// without waiting), lines that never end, half lines, clients that vanish
// during IDLE (closing, or just going silent), a client that never reads
// while FETCH has a big mailbox to send, and connections that say nothing.
// Each case must end with an answer or a close, within the short timers set
// here, and with the server's memory bounded. STRESS=1 streams a real 2 GB
// literal at the default max-literal instead of 200 MB at a small one.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { SuperServer } from '../../lib/inetd/superserver';
import { ScriptClient } from '../helpers/client';
import { requireRoot, rootSuiteSkip } from '../helpers/require';
import { LOOPBACK_PLAINTEXT, PASSWORD, PopHome, USER, startPop } from '../protocol/pop3/pop-home';

const STRESS = process.env.STRESS !== undefined && process.env.STRESS !== '';
const MB = 1024 * 1024;
/** Bytes a client streams at the server in the flooding cases. */
const STREAM_BYTES = STRESS ? 2 * 1024 * MB : 200 * MB;
const TWO_GB = 2147483648;
/** The server's resident memory must stay under this whatever the client does. */
const RSS_BOUND_KB = 100 * 1024;
/** The big mailbox for the client that never reads: larger than the memory bound. */
const BIG_MESSAGES = STRESS ? 300 : 150;
const BIG_MESSAGE_BYTES = MB;
/** Short timers (seconds) so the cut-offs happen within the test. */
const SETTINGS = {
  ...LOOPBACK_PLAINTEXT,
  'login-timeout': '3',
  'imap-timeout': '3',
  'pop3-timeout': '3',
  'max-line': '65536',
  'max-literal': STRESS ? '67108864' : '8388608',
};
/**
 * An accepted APPEND is held in memory whole (the command with its literal,
 * then the message as the file stores it): the bound grows with max-literal.
 */
const APPEND_RSS_BOUND_KB = RSS_BOUND_KB + (3 * Number(SETTINGS['max-literal'])) / 1024;
/** Longer than any timer above: a case still running after this is a hang. */
const HANG_MS = 30_000;

interface Outcome {
  /** Milliseconds from the start of the abuse to the server's close. */
  readonly cutoffMs: number;
  readonly peakRssKb: number;
  /** Everything the server sent after the abuse began. */
  readonly answer: string;
}

const figures: string[] = [];
let home: PopHome;
let imapd: SuperServer;
let ipop3d: SuperServer;
let ipop2d: SuperServer;

/** Samples a process's peak resident memory (VmHWM) until stopped. */
function watchMemory(pid: number): () => number {
  let peak = 0;
  const sample = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has exited; its last sample stands.
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return () => {
    sample();
    clearInterval(timer);
    return peak;
  };
}

/** A connection to `server` with the greeting read and the server process that serves it. */
async function open(server: SuperServer): Promise<{ client: ScriptClient; child: ChildProcess; greeting: string }> {
  const known = new Set(server.children);
  const client = await ScriptClient.connect(server.port);
  const greeting = (await client.line()) ?? '';
  const child = [...server.children].find((candidate) => !known.has(candidate));
  assert.ok(child?.pid, 'the server process for this connection');
  return { client, child, greeting };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Collects what the server sends from now on, until it closes. */
function listen(socket: Socket): () => string {
  const chunks: Buffer[] = [];
  let kept = 0;
  socket.on('data', (chunk: Buffer) => {
    // Keep the head only: enough for the answers, never a mailbox's worth.
    if (kept < 64 * 1024) chunks.push(chunk);
    kept += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('latin1');
}

/**
 * Streams `total` bytes of x at the socket as fast as the server takes
 * them, stopping when the server closes. Resolves with the bytes written.
 */
async function flood(socket: Socket, total: number): Promise<number> {
  const chunk = Buffer.alloc(MB, 'x');
  let sent = 0;
  let gone = false;
  const stop = (): void => {
    gone = true;
  };
  socket.on('close', stop);
  socket.on('error', stop);
  while (sent < total && !gone) {
    const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
    sent += piece.length;
    if (!socket.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
  return sent;
}

/**
 * Runs `abuse` against a fresh connection and waits for the server process
 * to end, measuring its peak memory and the time to the cut-off. A server
 * still alive after HANG_MS fails the case (and is killed).
 */
async function endure(
  t: TestContext,
  name: string,
  server: SuperServer,
  abuse: (client: ScriptClient, socket: Socket) => Promise<string | void>,
  prepare: (client: ScriptClient) => Promise<void> = async () => undefined,
  rssBoundKb = RSS_BOUND_KB,
): Promise<Outcome> {
  const { client, child } = await open(server);
  await prepare(client);
  const socket = client.socket as Socket;
  const stopWatching = watchMemory(child.pid ?? 0);
  const answer = listen(socket);
  const started = Date.now();
  const gone = exited(child);
  let note: string | void = undefined;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  try {
    note = await abuse(client, socket);
    const result = await Promise.race([gone.then(() => 'ended' as const), hang]);
    if (result === 'hang') {
      child.kill('SIGKILL');
      assert.fail(`${name}: the server was still running after ${HANG_MS} ms`);
    }
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
  const outcome = { cutoffMs: Date.now() - started, peakRssKb: stopWatching(), answer: answer() };
  const line = `${name}: cut off after ${(outcome.cutoffMs / 1000).toFixed(1)} s, peak RSS ${(outcome.peakRssKb / 1024).toFixed(1)} MB${note ? `, ${note}` : ''}`;
  figures.push(line);
  t.diagnostic(line);
  assert.ok(outcome.peakRssKb < rssBoundKb, `${name}: peak RSS ${outcome.peakRssKb} kB`);
  return outcome;
}

async function imapLogin(client: ScriptClient): Promise<void> {
  assert.equal((await client.command('l', `LOGIN ${USER} "${PASSWORD}"`)).at(-1)?.startsWith('l OK'), true);
}

async function imapSelect(client: ScriptClient): Promise<void> {
  await imapLogin(client);
  assert.match((await client.command('s', 'SELECT INBOX', 30_000)).at(-1) ?? '', /^s OK /);
}

async function popLogin(client: ScriptClient): Promise<void> {
  client.send(`USER ${USER}`);
  assert.match((await client.line()) ?? '', /^\+OK /);
  client.send(`PASS ${PASSWORD}`);
  assert.match((await client.line(30_000)) ?? '', /^\+OK /);
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

/** An abuse that sends `start`, then STREAM_BYTES more with no line end, as fast as the server takes them. */
function streamAfter(start: string): (client: ScriptClient, socket: Socket) => Promise<string> {
  return async (client, socket) => {
    client.write(start);
    return `${mb(await flood(socket, STREAM_BYTES))} sent before the cut-off`;
  };
}

describe('resource limits', { skip: rootSuiteSkip() }, () => {
  before(async () => {
    home = new PopHome(SETTINGS);
    const filler = `${'x'.repeat(76)}\n`.repeat(Math.floor(BIG_MESSAGE_BYTES / 77));
    const messages = Array.from({ length: BIG_MESSAGES }, (_, index) => `From: big@example.org\nSubject: big ${index + 1}\n\n${filler}`);
    home.deliver(...messages);
    imapd = await startPop(home, 'imapd');
    ipop3d = await startPop(home, 'ipop3d');
    ipop2d = await startPop(home, 'ipop2d');
  });

  after(async () => {
    await Promise.all([imapd, ipop3d, ipop2d].map((server) => server?.close(1000)));
    home?.remove();
    if (figures.length > 0) process.stdout.write(`# limits figures:\n${figures.map((line) => `#   ${line}`).join('\n')}\n`);
  });

  describe('imapd', () => {
    it('refuses a synchronising 2 GB APPEND literal before the continuation', async (t) => {
      if (!requireRoot(t)) return;
      await endure(t, 'IMAP APPEND {2147483648}', imapd, async (client) => {
        const answer = await client.command('a', `APPEND INBOX {${TWO_GB}}`);
        assert.deepEqual(answer, ['a NO [TOOBIG] Message too large']);
        client.close();
      }, imapLogin);
    });

    it('refuses synchronising 2 GB literals in LOGIN, SEARCH and FETCH before the continuation', async (t) => {
      if (!requireRoot(t)) return;
      await endure(t, 'IMAP LOGIN {2147483648}', imapd, async (client) => {
        assert.deepEqual(await client.command('a', `LOGIN {${TWO_GB}}`), ['a BAD Literal too large']);
        client.close();
      });
      await endure(t, 'IMAP SEARCH/FETCH {2147483648}', imapd, async (client) => {
        assert.deepEqual(await client.command('b', `SEARCH TEXT {${TWO_GB}}`), ['b BAD Literal too large']);
        assert.deepEqual(await client.command('c', `FETCH 1 (BODY[HEADER.FIELDS ({${TWO_GB}}`), ['c BAD Literal too large']);
        assert.match((await client.command('d', 'NOOP')).at(-1) ?? '', /^d OK/);
        client.close();
      }, imapSelect);
    });

    it('cuts off a non-synchronising 2 GB APPEND literal that is really sent', async (t) => {
      if (!requireRoot(t)) return;
      const abuse = streamAfter(`a APPEND INBOX {${TWO_GB}+}\r\n`);
      const outcome = await endure(t, `IMAP APPEND {2147483648+} streaming ${mb(STREAM_BYTES)}`, imapd, abuse, imapLogin);
      assert.match(outcome.answer, /^a NO \[TOOBIG\] Message too large\r\n\* BYE \[TOOBIG\]/);
    });

    it('cuts off a non-synchronising 2 GB literal in LOGIN', async (t) => {
      if (!requireRoot(t)) return;
      const outcome = await endure(t, `IMAP LOGIN {2147483648+} streaming ${mb(STREAM_BYTES)}`, imapd, streamAfter(`a LOGIN {${TWO_GB}+}\r\n`));
      assert.match(outcome.answer, /a BAD Literal too large/);
    });

    it('reads past a refused literal it can afford to, and carries on', async (t) => {
      if (!requireRoot(t)) return;
      // Over LOGIN's limit (max-line) but no bigger than max-literal: read and thrown away.
      const size = Number(SETTINGS['max-literal']);
      await endure(t, `IMAP LOGIN {${size}+} (${mb(size)}) streamed and discarded`, imapd, async (client, socket) => {
        client.write(`a LOGIN {${size}+}\r\n`);
        assert.equal(await flood(socket, size), size);
        client.write('\r\n');
        assert.deepEqual(await client.until('a', 60_000), ['a BAD Literal too large']);
        assert.match((await client.command('b', 'NOOP')).at(-1) ?? '', /^b OK/);
        client.close();
      });
    });

    it('takes an APPEND of exactly max-literal', async (t) => {
      if (!requireRoot(t)) return;
      const size = Number(SETTINGS['max-literal']);
      await endure(t, `IMAP APPEND of max-literal (${mb(size)})`, imapd, async (client, socket) => {
        client.write(`a APPEND uploads {${size}+}\r\nSubject: big upload\r\n\r\n`);
        const filler = Buffer.from(`${'y'.repeat(78)}\r\n`.repeat(MB / 80));
        let left = size - 'Subject: big upload\r\n\r\n'.length;
        while (left > 0) {
          const piece = filler.subarray(0, Math.min(left, filler.length));
          left -= piece.length;
          if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
        }
        client.write('\r\n');
        assert.match((await client.until('a', 60_000)).at(-1) ?? '', /^a OK \[APPENDUID /);
        client.close();
      }, async (client) => {
        await imapLogin(client);
        await client.command('c', 'CREATE uploads');
      }, APPEND_RSS_BOUND_KB);
    });

    it('answers a line that never ends after max-line and closes', async (t) => {
      if (!requireRoot(t)) return;
      for (const [when, prepare] of [['before login', undefined], ['after login', imapLogin]] as const) {
        const outcome = await endure(t, `IMAP endless line ${when}`, imapd, streamAfter('a LOGIN '), prepare);
        assert.match(outcome.answer, /^a BAD Command line too long\r\n\* BYE /);
      }
    });

    it('ends a session that sends half a line and goes silent', async (t) => {
      if (!requireRoot(t)) return;
      for (const [when, prepare] of [['before login', undefined], ['after login', imapLogin]] as const) {
        const outcome = await endure(t, `IMAP half line then silence ${when}`, imapd, async (client) => {
          client.write('a SELECT IN');
        }, prepare);
        assert.match(outcome.answer, /^\* BYE Autologout/);
      }
    });

    it('ends an IDLE whose client vanishes: at once when it closes, on the idle timer when it just goes silent', async (t) => {
      if (!requireRoot(t)) return;
      const vanishings = [
        ['closes its socket', (client: ScriptClient) => client.close()],
        ['neither reads nor closes (half-open)', (_client: ScriptClient, socket: Socket) => void socket.pause()],
      ] as const;
      for (const [how, vanish] of vanishings) {
        await endure(t, `IMAP IDLE, then the client ${how}`, imapd, async (client, socket) => {
          client.send('i IDLE');
          assert.equal(await client.line(), '+ idling');
          vanish(client, socket);
        }, imapSelect);
      }
    });

    it('does not buffer a big FETCH for a client that never reads, and times it out', async (t) => {
      if (!requireRoot(t)) return;
      await endure(t, `IMAP FETCH 1:* BODY[] of ${BIG_MESSAGES} x 1 MB, never read`, imapd, async (client, socket) => {
        socket.pause();
        client.send('f FETCH 1:* BODY.PEEK[]');
      }, imapSelect);
    });

    it('ends a connection that never says anything (login-timeout)', async (t) => {
      if (!requireRoot(t)) return;
      const outcome = await endure(t, 'IMAP silent connection', imapd, async () => undefined);
      assert.match(outcome.answer, /^\* BYE Autologout/);
    });
  });

  describe('ipop3d', () => {
    it('closes on a line that never ends', async (t) => {
      if (!requireRoot(t)) return;
      for (const [when, prepare] of [['before login', undefined], ['after login', popLogin]] as const) {
        const outcome = await endure(t, `POP3 endless line ${when}`, ipop3d, streamAfter('USER '), prepare);
        assert.match(outcome.answer, /^-ERR Command line too long/);
      }
    });

    it('ends a session that sends half a line and goes silent', async (t) => {
      if (!requireRoot(t)) return;
      for (const [when, prepare] of [['before login', undefined], ['after login', popLogin]] as const) {
        const outcome = await endure(t, `POP3 half line then silence ${when}`, ipop3d, async (client) => {
          client.write('LIS');
        }, prepare);
        assert.match(outcome.answer, /^-ERR Autologout/);
      }
    });

    it('does not buffer RETRs for a client that never reads, and times it out', async (t) => {
      if (!requireRoot(t)) return;
      await endure(t, `POP3 RETR of ${BIG_MESSAGES} x 1 MB pipelined, never read`, ipop3d, async (client, socket) => {
        socket.pause();
        client.write(Array.from({ length: BIG_MESSAGES }, (_, index) => `RETR ${index + 1}\r\n`).join(''));
      }, popLogin);
    });

    it('ends a connection that never says anything (login-timeout)', async (t) => {
      if (!requireRoot(t)) return;
      const outcome = await endure(t, 'POP3 silent connection', ipop3d, async () => undefined);
      assert.match(outcome.answer, /^-ERR Autologout/);
    });
  });

  describe('ipop2d', () => {
    it('closes on a line that never ends', async (t) => {
      if (!requireRoot(t)) return;
      const outcome = await endure(t, 'POP2 endless line', ipop2d, streamAfter('HELO '));
      assert.match(outcome.answer, /^- Command line too long/);
    });

    it('ends a connection that never says anything (login-timeout)', async (t) => {
      if (!requireRoot(t)) return;
      const outcome = await endure(t, 'POP2 silent connection', ipop2d, async () => undefined);
      assert.match(outcome.answer, /^- Autologout/);
    });
  });
});
