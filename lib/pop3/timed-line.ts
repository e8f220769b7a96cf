// Reading one command line under an idle timer, for the POP engines.
import type { Config } from '../config/config';
import { LineTooLongError, type InputReader } from '../net/input';

export type TimedLine =
  | { readonly kind: 'line'; readonly line: Buffer }
  /** `whole` false: the rest of the line is still coming and the session must end. */
  | { readonly kind: 'too-long'; readonly whole: boolean }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'end' };

/**
 * The next line of at most `limit` octets, waiting no longer than `seconds`.
 * An over-long line is read to its end unless more than `skipLimit` octets of it come first.
 */
export async function readTimedLine(input: InputReader, limit: number, seconds: number, skipLimit = limit): Promise<TimedLine> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    // Unreferenced: the connection, not the timer, is what keeps the process alive.
    timer = setTimeout(() => resolve('timeout'), seconds * 1000).unref();
  });
  try {
    const outcome = await Promise.race([input.line(limit, skipLimit), expired]);
    if (outcome === 'timeout') return { kind: 'timeout' };
    if (outcome === undefined) return { kind: 'end' };
    // The reader enforces the limit only on lines that arrive in pieces.
    return outcome.length > limit ? { kind: 'too-long', whole: true } : { kind: 'line', line: outcome };
  } catch (error) {
    if (error instanceof LineTooLongError) return { kind: 'too-long', whole: error.whole };
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
