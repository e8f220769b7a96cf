// Spawning measured processes and timing them from spawn to exit.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(__dirname, '..');
export const RSS_PROBE = resolve(__dirname, 'rss-probe.cjs');

export function binPath(program: string): string {
  return resolve(ROOT, 'bin', program);
}

/** Seconds from spawn until the process has exited and its pipes are closed. */
export function timeSpawn(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<number> {
  const started = performance.now();
  const child = spawn(command, [...args], { stdio: 'ignore', ...options });
  return exited(child).then(() => (performance.now() - started) / 1000);
}

/** Resolves when the child has exited and its stdio is closed; rejects if it could not start. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolvePromise(code));
  });
}

/** Kills `child` if it is still running after `seconds`; returns a cancel function. */
export function deadline(child: ChildProcess, seconds: number): () => void {
  const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
  return () => clearTimeout(timer);
}

/** Reads and removes the file the RSS probe appended to; the largest peak in bytes. */
export function takePeakRss(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
  rmSync(path, { force: true });
  const peaks = text
    .split('\n')
    .map((line) => Number(line.split(' ')[1]))
    .filter((value) => Number.isFinite(value) && value > 0);
  return peaks.length > 0 ? Math.max(...peaks) * 1024 : undefined;
}
