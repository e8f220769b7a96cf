// The full mailbox lock, taken the way mlock-era programs expect: first the
// dot-lock (made directly, or by UW's mlock helper when the spool directory
// is not writable, or skipped with a logged warning when neither works),
// then the kernel locks on the descriptor. Modes:
//   read  - kernel shared lock only (STATUS-style counting)
//   parse - dot-lock + shared kernel lock (reading new mail, as UW parses)
//   write - dot-lock + exclusive kernel lock (any change to the file)
// Locked sections of one file never overlap inside this process.
import { log } from '../../log/syslog';
import { MailError } from '../errors';
import type { SharedFile } from '../mbox/shared-file';
import { acquireDotLock, type HeldDotLock } from './dotlock';
import { tryKernelLock, unlockKernel } from './kernel';
import { helperAvailable, lockWithHelper } from './mlock-helper';

export type LockMode = 'read' | 'parse' | 'write';

export interface LockSettings {
  /** UW's mlock; empty to never use a helper. */
  readonly helperPath: string;
  /** How long to wait for other processes before giving up with 'temporary'. */
  readonly timeoutMs: number;
}

export const DEFAULT_LOCK_SETTINGS: LockSettings = { helperPath: '/usr/bin/mlock', timeoutMs: 20_000 };

export interface LockedSection {
  /** Call during long work so others do not judge the dot-lock stale. */
  refresh(): void;
}

const KERNEL_RETRY_MS = 50;
const warned = new Set<string>();

function warnOnce(path: string, message: string): void {
  if (warned.has(path)) return;
  warned.add(path);
  log('warning', message);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function takeDotLock(file: SharedFile, settings: LockSettings): Promise<HeldDotLock | undefined> {
  const direct = await acquireDotLock(file.path, settings.timeoutMs);
  if (direct) return direct;
  if (helperAvailable(settings.helperPath)) {
    const outcome = await lockWithHelper(settings.helperPath, file.fd, file.path, settings.timeoutMs);
    if ('held' in outcome) return outcome.held;
    warnOnce(file.path, `Mailbox vulnerable - ${settings.helperPath} could not lock ${file.path}: ${outcome.failed}`);
    return undefined;
  }
  warnOnce(file.path, `Mailbox vulnerable - cannot create ${file.path}.lock and no lock helper; using kernel locks only`);
  return undefined;
}

async function takeKernelLock(file: SharedFile, exclusive: boolean, deadline: number): Promise<void> {
  let wait = KERNEL_RETRY_MS;
  while (!tryKernelLock(file.fd, exclusive)) {
    if (Date.now() >= deadline) throw new MailError('temporary', 'Mailbox is locked by another process');
    await sleep(wait);
    wait = Math.min(wait * 2, 1000);
  }
}

/** Runs `task` holding the lock of `file` in `mode`. */
export function withMailboxLock<T>(
  file: SharedFile,
  mode: LockMode,
  settings: LockSettings,
  task: (section: LockedSection) => Promise<T>,
): Promise<T> {
  return file.serialize(async () => {
    const dot = mode === 'read' ? undefined : await takeDotLock(file, settings);
    try {
      await takeKernelLock(file, mode === 'write', Date.now() + settings.timeoutMs);
      try {
        return await task({ refresh: () => dot?.refresh() });
      } finally {
        unlockKernel(file.fd);
      }
    } finally {
      await dot?.release();
    }
  });
}
