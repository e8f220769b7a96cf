// Reading one command line under an idle timer, for the POP engines.
import type { Config } from '../config/config';
import { LineTooLongError, type InputReader } from '../net/input';

export type TimedLine =
  | { readonly kind: 'line'; readonly line: Buffer }
  | { readonly kind: 'too-long' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'end' };

/** The next line of at most `limit` octets, waiting no longer than `seconds`. */
export async function readTimedLine(input: InputReader, limit: number, seconds: number): Promise<TimedLine> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    // Unreferenced: the connection, not the timer, is what keeps the process alive.
    timer = setTimeout(() => resolve('timeout'), seconds * 1000).unref();
  });
  try {
    const outcome = await Promise.race([input.line(limit), expired]);
    if (outcome === 'timeout') return { kind: 'timeout' };
    if (outcome === undefined) return { kind: 'end' };
    // The reader enforces the limit only on lines that arrive in pieces.
    return outcome.length > limit ? { kind: 'too-long' } : { kind: 'line', line: outcome };
  } catch (error) {
    if (error instanceof LineTooLongError) return { kind: 'too-long' };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** When a session that has not logged in is ended (login-timeout from now). */
export function loginDeadline(config: Config): number {
  return Date.now() + config.number('login-timeout') * 1000;
}

/** Seconds left until `deadline` (never negative). */
export function secondsUntil(deadline: number): number {
  return Math.max(0, (deadline - Date.now()) / 1000);
}
