// The inetd test harness: real executables, spawned per connection with the
// accepted socket as fd 0/1/2 (TCP mode), or with pipes (pre-authenticated
// mode, as over an ssh tunnel).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SuperServer } from '../../lib/inetd/superserver';
import { binPath } from './paths';

export interface HarnessOptions {
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Listens on 127.0.0.1:<free port> and spawns `program` per connection. */
export function startInetd(program: string, options: HarnessOptions = {}): Promise<SuperServer> {
  return SuperServer.listen({
    program: binPath(program),
    args: options.args,
    argv0: program,
    env: { ...process.env, ...options.env },
  });
}

/** Runs `program` with pipes as fd 0/1 and a separate pipe as fd 2. */
export function spawnPiped(program: string, options: HarnessOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(binPath(program), [...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: 'pipe',
  });
}

/** Collects a child's whole output: stdout, stderr and exit code. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code }));
  });
}
