// Start-up: what every connection pays. imapd's greeting plus LOGOUT,
// against `node -e 0`, run alternately in the same loop: over pipes as the
// mail user (PREAUTH, as over ssh), and through the TCP superserver as
// inetd runs it (as root when the benchmark runs as root).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SuperServer } from '../../lib/inetd/superserver';
import type { Launch } from '../mailhome';
import { exited } from '../processes';
import { ResponseReader } from '../reader';
import { ratioGoal, type Figure } from '../report';
import { summarize } from '../stats';

const GOAL = ratioGoal(1.15);
const NODE_FLOOR = 'node -e 0';

/** Seconds from spawn to exit for a session that reads the greeting and logs out. */
async function greetAndLogout(launch: Launch): Promise<number> {
  const started = performance.now();
  const child = spawn(launch.command, [...launch.args], { env: launch.env, cwd: launch.cwd, uid: launch.uid, gid: launch.gid, stdio: ['pipe', 'pipe', 'ignore'] });
  const done = exited(child);
  const reader = new ResponseReader(child.stdout);
  const greeting = await reader.line();
  if (!/^\* (OK|PREAUTH) /.test(greeting)) throw new Error(`unexpected greeting: ${greeting}`);
  child.stdin.end('a LOGOUT\r\n');
  await done;
  return (performance.now() - started) / 1000;
}

async function nodeNothing(launch: Launch): Promise<number> {
  const started = performance.now();
  await exited(spawn(process.execPath, ['-e', '0'], { env: launch.env, cwd: launch.cwd, uid: launch.uid, gid: launch.gid, stdio: 'ignore' }));
  return (performance.now() - started) / 1000;
}

export async function pipeStartup(launch: Launch, runs: number): Promise<Figure> {
  const server: number[] = [];
  const floor: number[] = [];
  await greetAndLogout(launch); // warm the page cache for both
  await nodeNothing(launch);
  for (let run = 0; run < runs; run++) {
    floor.push(await nodeNothing(launch));
    server.push(await greetAndLogout(launch));
  }
  return {
    id: 'startup-pipe',
    title: 'start-up: greeting + LOGOUT, pipe (PREAUTH)',
    unit: 'seconds',
    value: summarize(server),
    floor: { name: NODE_FLOOR, summary: summarize(floor) },
    goal: GOAL,
  };
}

/** Seconds from connect until the server has closed the connection. */
async function tcpSession(port: number, imap: boolean): Promise<number> {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  const reader = new ResponseReader(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  if (imap) {
    const greeting = await reader.line();
    if (!/^\* (OK|PREAUTH) /.test(greeting)) throw new Error(`unexpected greeting: ${greeting}`);
    socket.end('a LOGOUT\r\n');
  }
  await closed;
  return (performance.now() - started) / 1000;
}

export async function tcpStartup(launch: Launch, runs: number): Promise<Figure> {
  const imapd = await SuperServer.listen({ program: launch.command, args: launch.args, argv0: 'imapd', env: launch.env });
  const nothing = await SuperServer.listen({ program: process.execPath, args: ['-e', '0'], env: launch.env });
  const server: number[] = [];
  const floor: number[] = [];
  try {
    await tcpSession(imapd.port, true);
    await tcpSession(nothing.port, false);
    for (let run = 0; run < runs; run++) {
      floor.push(await tcpSession(nothing.port, false));
      server.push(await tcpSession(imapd.port, true));
    }
  } finally {
    await imapd.close();
    await nothing.close();
  }
  return {
    id: 'startup-tcp',
    title: 'start-up: greeting + LOGOUT, TCP superserver',
    unit: 'seconds',
    value: summarize(server),
    floor: { name: `${NODE_FLOOR} via superserver`, summary: summarize(floor) },
    goal: GOAL,
  };
}
