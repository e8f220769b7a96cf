// UW's setgid-mail helper for spool directories the user cannot write
// (Debian's /var/mail is 2775 root:mail). Protocol, as observed with
// /usr/bin/mlock from Debian's "mlock" package: run `mlock FD PATH` with the
// mailbox open on descriptor FD (it checks that FD and PATH are the same
// file); it makes PATH.lock and writes "+" to its stdout once it holds it,
// then waits; one byte on its stdin (or end of file, should we die) makes it
// remove the lock and exit. Any other output ("?dir=…") or an exit without
// "+" means it could not lock. It retries by itself for minutes, so we stop
// it at our own deadline.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MailError } from '../errors';
import { heldLock, type HeldDotLock } from './dotlock';

/** Descriptor number the mailbox has in the helper. */
const CHILD_FD = 3;

export type HelperOutcome = { readonly held: HeldDotLock } | { readonly failed: string };

export function helperAvailable(helperPath: string): boolean {
  return helperPath !== '' && existsSync(helperPath);
}

/**
 * Asks the helper for the dot-lock of `mailboxPath` (open as `fd`). Throws
 * MailError('temporary') when it is still trying at the deadline.
 */
export function lockWithHelper(helperPath: string, fd: number, mailboxPath: string, timeoutMs: number): Promise<HelperOutcome> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Loaded here: node:child_process is slow to load, and most sessions never need the helper.
      const { spawn } = createRequire(__filename)('node:child_process') as typeof import('node:child_process');
      child = spawn(helperPath, [String(CHILD_FD), mailboxPath], { stdio: ['pipe', 'pipe', 'ignore', fd] });
    } catch (error) {
      resolve({ failed: (error as Error).message });
      return;
    }
    let settled = false;
    let output = '';
    const finish = (outcome: HelperOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => {
      // End of input first: should it win the lock at this very moment, it
      // then removes it again instead of leaving it behind.
      child.stdin?.end();
      setTimeout(() => child.kill('SIGTERM'), 200).unref();
      finish(new MailError('temporary', 'Mailbox is locked by another process'));
    }, timeoutMs);
    child.on('error', (error) => finish({ failed: error.message }));
    child.stdin?.on('error', () => undefined);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('latin1');
      if (output.startsWith('+')) finish({ held: heldByHelper(child, `${mailboxPath}.lock`) });
      else if (output.includes('\n')) finish({ failed: output.trim() });
    });
    child.on('exit', (code) => finish({ failed: output.trim() || `exit status ${code ?? 'signal'}` }));
  });
}

// The helper runs with our user id, so the lock file is ours to touch when
// refreshing it; one byte on its stdin makes it remove the lock.
function heldByHelper(child: ChildProcess, lockPath: string): HeldDotLock {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return heldLock(lockPath, async () => {
    child.stdin?.end('+');
    // Wait for it to remove the lock, so that our next attempt finds it gone.
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
  });
}
