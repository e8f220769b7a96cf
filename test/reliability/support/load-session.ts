// What every load session shares: where to connect, who logs in, the
// transport, the hang timer, and a little randomness.
import { ScriptClient } from '../../helpers/client';
import type { Ledger } from './load-ledger';
import { LoadError, type LoadFigures, type Transport } from './load-figures';

/** Longer than any answer takes on a loaded 2-CPU machine: past it, a session counts as hung. */
export const HANG_MS = 60_000;

export interface SessionPlan {
  /** The plain port (STARTTLS/STLS there too) and the implicit-TLS port of the protocol. */
  readonly ports: { readonly plain: number; readonly tls: number };
  readonly transport: Transport;
  readonly user: string;
  readonly password: string;
  /** Message-IDs pre-seeded in the user's INBOX: they must always be there. */
  readonly seeds: readonly string[];
  readonly ledger: Ledger;
  readonly figures: LoadFigures;
}

/** Connects on the transport's port; STARTTLS/STLS is the caller's, as its wording differs. */
export async function connectFor(plan: SessionPlan): Promise<ScriptClient> {
  plan.figures.transports[plan.transport] += 1;
  try {
    return plan.transport === 'implicit' ? await ScriptClient.connectTls(plan.ports.tls) : await ScriptClient.connect(plan.ports.plain);
  } catch (error) {
    throw new LoadError(`connect (${plan.transport}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The next line, or a LoadError naming what was awaited when the server closed or went silent. */
export async function expectLine(client: ScriptClient, what: string): Promise<string> {
  let line: string | undefined;
  try {
    line = await client.line(HANG_MS);
  } catch (error) {
    throw new LoadError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (line === undefined) throw new LoadError(`${what}: connection closed`);
  return line;
}

export function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function chance(probability: number): boolean {
  return Math.random() < probability;
}

/** UW's POP3 unique id of a message: UIDVALIDITY and UID as %08x%08x. */
export function uidlOf(uidValidity: number, uid: number): string {
  return uidValidity.toString(16).padStart(8, '0') + uid.toString(16).padStart(8, '0');
}
