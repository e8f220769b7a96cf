// Subscriptions in UW's file, ~/.mailboxlist: one mailbox name per line.
// Rewritten whole through a temporary file and rename, so a crash leaves
// either the old list or the new one.
import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mailErrorFrom } from './mbox/file-io';

export const SUBSCRIPTION_FILE = '.mailboxlist';

export function readSubscriptions(home: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(home, SUBSCRIPTION_FILE), 'latin1');
  } catch {
    return [];
  }
  return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
}

export function writeSubscriptions(home: string, names: readonly string[]): void {
  const path = join(home, SUBSCRIPTION_FILE);
  const temporary = `${path}.${process.pid}.new`;
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, names.map((name) => `${name}\n`).join(''), null, 'latin1');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created.
    }
    throw mailErrorFrom(error, `Can't update ${path}`);
  }
}
