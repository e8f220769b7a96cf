// Real bin/imapd sessions for the reliability suites: pre-authenticated as
// a system test user over pipes (the way an ssh login runs imapd), each with
// a kill timer so that none outlives its test, and a batched FETCH that
// keeps every response small.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { SystemAccount } from '../../../lib/auth/passwd';
import { ScriptClient } from '../../helpers/client';
import { binPath } from '../../helpers/paths';

export interface ImapdSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly client: ScriptClient;
  /** Resolves with the exit signal (or code) once the process is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Everything the process wrote to fd 2 (must stay empty). */
  readonly stderr: () => string;
}

/** An imapd.cf for the suites: the system's spool, no syslog traffic. */
export function writeSuiteConfig(path: string): void {
  writeFileSync(path, 'set syslog-socket /nonexistent/imapd-reliability-log\n', { mode: 0o644 });
}

/** bin/imapd running as `account`, greeted with PREAUTH. */
export async function preauthSession(account: SystemAccount, configPath: string, lifetimeMs = 600_000): Promise<ImapdSession> {
  const child = spawn(binPath('imapd'), [], {
    uid: account.uid,
    gid: account.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin', HOME: account.home, USER: account.name, LOGNAME: account.name, IMAPD_CONFIG: configPath },
    stdio: 'pipe',
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), lifetimeMs);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('latin1');
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });
  const client = new ScriptClient(child.stdout, child.stdin);
  // A write to a killed session must not become an unhandled error.
  child.stdin.on('error', () => undefined);
  assert.match((await client.line(30_000)) ?? '', /^\* PREAUTH /);
  return { child, client, exited, stderr: () => stderr };
}

/** Ends a session with LOGOUT and waits for the process to exit. */
export async function logout(session: ImapdSession): Promise<void> {
  await session.client.command('bye', 'LOGOUT', 60_000);
  await session.exited;
  assert.equal(session.stderr(), '', 'imapd wrote nothing to fd 2');
}

/** The EXISTS count from a SELECT or EXAMINE response. */
export function existsIn(responses: readonly string[]): number {
  const line = responses.find((response) => / EXISTS$/.test(response));
  return Number(/^\* (\d+) EXISTS$/.exec(line ?? '')?.[1] ?? 0);
}

export interface FetchedItem {
  readonly seq: number;
  readonly uid: number;
  /** The item's literal, as bytes. */
  readonly data: Buffer;
}

/** The FETCH responses among `responses` that carry a literal: sequence number, UID and the literal's bytes. */
export function literalItems(responses: readonly string[]): FetchedItem[] {
  const found: FetchedItem[] = [];
  for (const response of responses) {
    const head = /^\* (\d+) FETCH \(/.exec(response);
    const literal = /\{(\d+)\}\r\n/.exec(response);
    if (!head || !literal) continue;
    const start = literal.index + literal[0].length;
    const length = Number(literal[1]);
    const rest = response.slice(0, literal.index) + response.slice(start + length);
    found.push({
      seq: Number(head[1]),
      uid: Number(/UID (\d+)/.exec(rest)?.[1] ?? 0),
      data: Buffer.from(response.slice(start, start + length), 'latin1'),
    });
  }
  return found;
}

/**
 * `FETCH seq (UID item)` for messages 1..count in batches, so no response
 * gets large (the scripted client joins its buffer on every chunk).
 * `item` must answer with a literal, e.g. BODY.PEEK[].
 */
export async function fetchAll(client: ScriptClient, count: number, item: string, batch = 100): Promise<FetchedItem[]> {
  const found: FetchedItem[] = [];
  for (let first = 1; first <= count; first += batch) {
    const last = Math.min(count, first + batch - 1);
    const responses = await client.command('f', `FETCH ${first}:${last} (UID ${item})`, 120_000);
    assert.match(responses.at(-1) ?? '', /^f OK/, `FETCH ${first}:${last}`);
    found.push(...literalItems(responses));
  }
  return found;
}

/** UW's mailutil (c-client) as `account`: `mailutil check NAME` must read the mailbox; returns its total. */
export function mailutilTotal(account: SystemAccount, mailbox: string): number {
  const result = spawnSync('/usr/bin/mailutil', ['check', mailbox], {
    uid: account.uid,
    gid: account.gid,
    cwd: account.home,
    env: { HOME: account.home, PATH: '/usr/bin:/bin', USER: account.name, LOGNAME: account.name },
    encoding: 'latin1',
    timeout: 120_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `mailutil check ${mailbox}: ${output}`);
  const total = /(\d+) total in /.exec(output);
  assert.ok(total, `mailutil check ${mailbox}: ${output}`);
  return Number(total[1]);
}
