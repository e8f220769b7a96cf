// Process hygiene for a server spawned by inetd. fd 2 is the client's socket
// there, so it is pointed at /dev/null before anything can write to it, and
// every unexpected error ends the session through the protocol's own
// farewell plus a log line, never a stack trace on the wire.
import { closeSync, openSync } from 'node:fs';
import { log } from '../log/syslog';

let farewell: ((message: string) => Promise<void>) | undefined;
let stopSession: ((stop: Stop) => void) | undefined;
let exiting = false;

/** The signals that ask a server to stop: kill(1), inetd or the system going down, a hangup, an alarm. */
export type StopSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGALRM';

/** How a stop is logged (UW's word for it) and what the client is told. */
export interface Stop {
  readonly reason: 'Killed' | 'Hangup' | 'Autologout';
  readonly text: string;
}

const STOPS: Readonly<Record<StopSignal, Stop>> = {
  SIGTERM: { reason: 'Killed', text: 'Server shutting down' },
  SIGINT: { reason: 'Killed', text: 'Server shutting down' },
  SIGHUP: { reason: 'Hangup', text: 'Server shutting down' },
  SIGALRM: { reason: 'Autologout', text: 'Autologout; idle for too long' },
};

/** How long a session may take to end cleanly after a stop signal before the process just exits. */
const STOP_GRACE_MS = 10_000;

/** Re-opens fd 2 on /dev/null and installs the last-resort error handlers. */
export function guardProcess(ident: string): void {
  try {
    closeSync(2);
    openSync('/dev/null', 'w'); // lowest free descriptor: 2
  } catch {
    // fd 2 was already closed; the open above (if it ran) still took it.
  }
  process.removeAllListeners('warning');
  process.on('warning', () => undefined);
  process.on('uncaughtException', (error) => fatal(ident, error));
  process.on('unhandledRejection', (error) => fatal(ident, error));
  process.on('SIGPIPE', () => undefined);
  // A UW imapd sharing the host sends SIGUSR2 to ask the mailbox holder to
  // give up its lock; by default it would kill us mid-session.
  process.on('SIGUSR2', () => undefined);
  // By default these end the process on the spot, losing flag changes not
  // yet written and leaving the client without a word.
  for (const signal of Object.keys(STOPS) as StopSignal[]) process.on(signal, () => stop(ident, signal));
}

/**
 * Registers how the session ends on a stop signal: save what must be saved
 * (never expunge or apply POP deletions), say goodbye, log, and exit 0.
 */
export function setStopHandler(handler: (stop: Stop) => void): void {
  stopSession = handler;
}

/** Registers the protocol's way of saying goodbye on a fatal error. */
export function setFarewell(send: (message: string) => Promise<void>): void {
  farewell = send;
}

/** Ends the process after flushing logs; idempotent. */
export function exitProcess(code: number): void {
  if (exiting) return;
  exiting = true;
  setImmediate(() => process.exit(code));
}

function stop(ident: string, signal: StopSignal): void {
  if (exiting) return;
  const handler = stopSession;
  stopSession = undefined;
  // Before the session has started there is nothing to save; a second signal finds no handler either.
  if (!handler) return exitProcess(0);
  setTimeout(() => {
    log('warning', `${ident}: session did not end within ${STOP_GRACE_MS / 1000} s of ${signal}; exiting`);
    exitProcess(0);
  }, STOP_GRACE_MS);
  handler(STOPS[signal]);
}

function fatal(ident: string, error: unknown): void {
  if (exiting) return;
  const text = error instanceof Error ? `${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}` : String(error);
  log('err', `${ident}: fatal error: ${text}`);
  const send = farewell;
  farewell = undefined;
  const timer = setTimeout(() => exitProcess(1), 1000);
  void (send ? send('Server error, closing connection') : Promise.resolve())
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(timer);
      exitProcess(1);
    });
}
