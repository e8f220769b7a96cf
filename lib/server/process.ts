// Process hygiene for a server spawned by inetd. fd 2 is the client's socket
// there, so it is pointed at /dev/null before anything can write to it, and
// every unexpected error ends the session through the protocol's own
// farewell plus a log line, never a stack trace on the wire.
import { closeSync, openSync } from 'node:fs';
import { log } from '../log/syslog';

let farewell: ((message: string) => Promise<void>) | undefined;
let exiting = false;

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
