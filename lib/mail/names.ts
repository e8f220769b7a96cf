// Mailbox names and where they live. The wire name (modified UTF-7, "/"
// between levels) is also the file name below the user's mail area, as UW
// did, so a folder created over IMAP and one made with a shell look the same.
// INBOX is special: the spool file, or ~/mbox when that exists (UW's rule).
// Names that would reach outside the mail area are refused unless the
// administrator allows them (UW's restrictBox turned off).
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { MailError } from './errors';
import { isValidMutf7 } from './mutf7';

export const DELIMITER = '/';
export const MAX_NAME_BYTES = 1024;
export const MAX_COMPONENT_BYTES = 255;

export interface NamePolicy {
  readonly home: string;
  readonly userName: string;
  /** Folder area: the home directory or a subdirectory of it. */
  readonly area: string;
  readonly spoolDirectory: string;
  readonly allowOutside: boolean;
}

export interface ResolvedName {
  /** Canonical wire name ("INBOX" for any spelling of it). */
  readonly name: string;
  readonly path: string;
  readonly isInbox: boolean;
  /** Trailing delimiter: CREATE makes a directory. */
  readonly isDirectory: boolean;
}

export function isInboxName(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** The spool file for the user (always the spool, even when ~/mbox exists). */
export function spoolPath(policy: NamePolicy): string {
  return join(policy.spoolDirectory, policy.userName);
}

/**
 * INBOX: ~/mbox when it exists, otherwise the spool file. A ~/mbox that is a
 * symbolic link to outside the home directory is ignored (unless outside
 * names are allowed), like any other link out of the user's area.
 */
export function inboxPath(policy: NamePolicy): string {
  const mbox = join(policy.home, 'mbox');
  if (!existsSync(mbox)) return spoolPath(policy);
  return policy.allowOutside || isWithin(realOrSelf(policy.home), realOrSelf(mbox)) ? mbox : spoolPath(policy);
}

function refuse(name: string, why: string): never {
  throw new MailError('bad-name', `Invalid mailbox name ${JSON.stringify(name.slice(0, 80))}: ${why}`);
}

/** Checks what every name must satisfy, outside names included. */
function checkCharacters(name: string): void {
  if (name === '') refuse(name, 'empty');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) refuse(name, 'too long');
  if (/[\x00-\x1f\x7f]/.test(name)) refuse(name, 'control character');
  if (!isValidMutf7(name)) refuse(name, 'not valid modified UTF-7');
  // UW's "{host}box" opens a remote mailbox and "#ns/..." a namespace; this
  // server serves neither, and must not mistake them for file names.
  if (name.startsWith('{')) refuse(name, 'remote mailboxes are not served');
  if (name.startsWith('#')) refuse(name, 'no such namespace');
}

function isOutsideForm(name: string): boolean {
  return name.startsWith('/') || name.startsWith('~');
}

/**
 * Resolves a wire name to a file, applying the policy. Throws
 * MailError('bad-name') for refused names. `forCreate` accepts the trailing
 * delimiter that asks for a directory.
 */
export function resolveName(policy: NamePolicy, name: string, forCreate = false): ResolvedName {
  checkCharacters(name);
  if (isInboxName(name)) return { name: 'INBOX', path: inboxPath(policy), isInbox: true, isDirectory: false };
  const isDirectory = name.endsWith(DELIMITER) && name.length > 1;
  if (isDirectory && !forCreate) refuse(name, 'trailing hierarchy delimiter');
  const bare = isDirectory ? name.slice(0, -1) : name;
  if (isOutsideForm(bare)) {
    if (!policy.allowOutside) refuse(name, 'outside the mail area');
    return { name: bare, path: outsidePath(policy, bare), isInbox: false, isDirectory };
  }
  const components = bare.split(DELIMITER);
  if (isInboxName(components[0] ?? '')) throw new MailError('cannot', 'INBOX cannot have inferior mailboxes');
  for (const component of components) checkComponent(policy, name, component);
  const path = join(policy.area, ...components);
  if (!policy.allowOutside) confine(policy, name, path);
  return { name: bare, path, isInbox: false, isDirectory };
}

/**
 * Checks the literal directory part of a LIST pattern ("Work/" of
 * "Work/%"), for a walk that starts there; refused names throw bad-name.
 */
export function checkListDirectory(policy: NamePolicy, directory: string): void {
  for (const component of directory.split(DELIMITER).filter((part) => part !== '')) checkComponent(policy, directory, component);
  if (!policy.allowOutside) confine(policy, directory, join(policy.area, directory));
}

function checkComponent(policy: NamePolicy, name: string, component: string): void {
  if (component === '') refuse(name, 'empty hierarchy level');
  if (Buffer.byteLength(component) > MAX_COMPONENT_BYTES) refuse(name, 'hierarchy level too long');
  if (policy.allowOutside) return;
  // Dot-files are never mailboxes here: they hold locks, journals,
  // subscriptions and the user's own configuration.
  if (component.startsWith('.')) refuse(name, 'hidden or relative level');
  // A folder "x.lock" would be the dot-lock of folder "x".
  if (component.endsWith('.lock')) refuse(name, 'reserved suffix');
}

function outsidePath(policy: NamePolicy, name: string): string {
  if (name.startsWith('/')) return name;
  const slash = name.indexOf('/');
  const user = slash < 0 ? name.slice(1) : name.slice(1, slash);
  const rest = slash < 0 ? '' : name.slice(slash + 1);
  const home = user === '' ? policy.home : homeOf(user);
  if (home === undefined) throw new MailError('nonexistent', `No such user: ${user}`);
  return join(home, rest);
}

/** Home directory of a system account, from the password file. */
function homeOf(user: string): string | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields[5]) return fields[5];
  }
  return undefined;
}

/**
 * Refuses a path whose existing part resolves (through symbolic links)
 * outside the mail area. The part that does not exist yet cannot be a link.
 */
export function confine(policy: NamePolicy, name: string, path: string): void {
  const area = realOrSelf(policy.area);
  let probe = path;
  while (!lexists(probe) && dirname(probe) !== probe) probe = dirname(probe);
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    refuse(name, 'dangling symbolic link');
  }
  if (!isWithin(area, real)) refuse(name, 'resolves outside the mail area');
}

/** Whether the real path `real` is `root` or below it. */
export function isWithin(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
