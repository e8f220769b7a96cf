// What one fuzz session reports back, and the checks every protocol shares:
// the process ended by itself (no signal, no crash code, no hang), wrote
// nothing to fd 2, and left the mailboxes intact.
import type { Random } from '../../../bench/random';
import type { FuzzArea, InboxKind, Originals, Permissions } from './mail-area';
import { HANG_MS, type Ending, type LiveServer } from './live';

export interface Outcome {
  /** What went wrong (empty: the session passed). */
  readonly problems: string[];
  /** Every byte the client sent. */
  readonly input: Buffer;
  readonly output: Buffer;
  readonly pid: number | undefined;
  /** Commands (IMAP) or lines (POP) sent. */
  readonly commands: number;
  /** Response counts by kind ("OK", "NO", "BAD", "-ERR", "BYE", ...). */
  readonly responses: Readonly<Record<string, number>>;
  /** The server closed the connection while the client still had its side open. */
  readonly closedByServer: boolean;
  readonly label: string;
}

export interface Worker {
  readonly area: FuzzArea;
  readonly originals: Originals;
}

export type SessionRunner<P> = (worker: Worker, plan: P, random: Random) => Promise<Outcome>;

export function endingProblems(server: LiveServer, ending: Ending): string[] {
  const problems: string[] = [];
  if (ending.hung) problems.push(`hang: silent and idle for ${HANG_MS / 1000} s after the client closed its side, or alive after the lifetime limit; killed`);
  else if (ending.signal !== null) problems.push(`process ended by signal ${ending.signal}`);
  else if (ending.code !== 0) problems.push(`process exit code ${ending.code}`);
  const stderr = server.stderr;
  if (stderr.length > 0) problems.push(`wrote ${stderr.length} bytes to fd 2: ${JSON.stringify(stderr.toString('latin1').slice(0, 300))}`);
  return problems;
}

/** Which commands in the input may legitimately remove or add messages. */
export function permissionsFor(input: string, removal: RegExp, addition: RegExp): Permissions {
  const upper = input.toUpperCase();
  return { removal: removal.test(upper), addition: addition.test(upper) };
}

export async function mailboxProblems(worker: Worker, users: readonly string[], inbox: InboxKind, allowed: Permissions): Promise<string[]> {
  const problems: string[] = [];
  for (const user of users) problems.push(...(await worker.area.verify(user, worker.originals, inbox, allowed)));
  return problems;
}

export function count(into: Record<string, number>, key: string, by = 1): void {
  into[key] = (into[key] ?? 0) + by;
}

/** Writes a command in random-sized pieces with short pauses, so the server sees partial input. */
export async function writeInPieces(server: LiveServer, random: Random, data: Buffer): Promise<void> {
  if (random.chance(0.6) || data.length < 2) {
    await server.write(data);
    return;
  }
  let at = 0;
  while (at < data.length && server.accepting) {
    const size = Math.min(data.length - at, random.logUniform(1, Math.max(1, data.length)));
    await server.write(data.subarray(at, at + size));
    at += size;
    await pause(random);
  }
}

export function pause(random: Random): Promise<void> {
  if (random.chance(0.7)) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, random.int(1, 5)));
}
