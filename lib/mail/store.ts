// A user's mail store in UW's layout: INBOX is the spool file (or ~/mbox),
// folders are Berkeley mailbox files under the home directory (or the
// configured subdirectory), directories are \Noselect levels, and
// subscriptions live in ~/.mailboxlist. See lib/mail/README.md.
import {
  closeSync, constants, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, rmdirSync, statSync,
  unlinkSync, writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config/config';
import type {
  AppendMessage,
  AppendResult,
  ListEntry,
  Mailbox,
  MailboxStatus,
  MailStore,
  MailUser,
  Namespace,
  OpenOptions,
} from './types';
import { MailError, isMailError } from './errors';
import { DEFAULT_LOCK_SETTINGS, withMailboxLock, type LockedSection } from './lock/mailbox-lock';
import { trySessionLock } from './lock/session';
import { canonicalPattern, literalDirectory, matches, walkMatches, type WalkRoot } from './list';
import { AbsentInbox } from './mbox/absent-inbox';
import { appendToFile, type PendingMessage } from './mbox/append';
import { journalPending, loadFolder, recoverAll, type MboxContext } from './mbox/context';
import { mailErrorFrom, statFile } from './mbox/file-io';
import { journalPaths } from './mbox/journal';
import { MboxMailbox } from './mbox/mailbox';
import { RECENT } from './mbox/message-index';
import { pseudoMessage } from './mbox/rewrite';
import { openShared, type SharedFile } from './mbox/shared-file';
import { moveSpoolMail } from './mbox/spool-move';
import { SEEN } from './mbox/status-headers';
import {
  DELIMITER, checkListDirectory, confine, isInboxName, realOrSelf, resolveName, spoolPath, type NamePolicy, type ResolvedName,
} from './names';
import { readSubscriptions, writeSubscriptions } from './subscriptions';

const PERSONAL: Namespace = { prefix: '', delimiter: DELIMITER };
const OTHER: Namespace = { prefix: '~', delimiter: DELIMITER };

export function openMailStore(user: MailUser, config: Config): MailStore {
  const subdirectory = config.string('mail-subdirectory').replace(/^\/+|\/+$/g, '');
  const policy: NamePolicy = {
    home: user.home,
    userName: user.name,
    area: subdirectory === '' ? user.home : join(user.home, subdirectory),
    spoolDirectory: config.string('spool-directory'),
    allowOutside: config.boolean('allow-outside-names'),
  };
  const context: MboxContext = {
    userName: user.name,
    home: user.home,
    lock: { ...DEFAULT_LOCK_SETTINGS, helperPath: config.string('mlock-helper') },
    sender: `${user.name}@${hostname().split('.')[0] || 'localhost'}`,
  };
  return new FileMailStore(user, policy, context);
}

interface CachedStatus {
  readonly key: string;
  readonly status: MailboxStatus;
}

class FileMailStore implements MailStore {
  readonly personalNamespace = PERSONAL;
  readonly otherNamespace: Namespace | undefined;
  private readonly statusCache = new Map<string, CachedStatus>();

  constructor(
    readonly user: MailUser,
    private readonly policy: NamePolicy,
    private readonly context: MboxContext,
  ) {
    this.otherNamespace = policy.allowOutside ? OTHER : undefined;
  }

  checkName(name: string): void {
    resolveName(this.policy, name, name.endsWith(DELIMITER));
  }

  // --- LIST / LSUB --------------------------------------------------------

  async list(reference: string, pattern: string): Promise<ListEntry[]> {
    const full = canonicalPattern(reference, pattern);
    const out: ListEntry[] = [];
    if (matches(full, 'INBOX')) out.push({ name: 'INBOX', attributes: ['\\NoInferiors'] });
    const root = this.walkRoot(full);
    if (root) out.push(...walkMatches(root, full));
    return out;
  }

  private walkRoot(pattern: string): WalkRoot | undefined {
    if (!pattern.startsWith('/') && !pattern.startsWith('~')) {
      if (!existsSync(this.policy.area)) return undefined;
      try {
        // The walk starts at the pattern's literal directory: it must be a name we would open.
        checkListDirectory(this.policy, literalDirectory(pattern));
      } catch {
        return undefined;
      }
      return { directory: this.policy.area, namePrefix: '', confineTo: this.policy.allowOutside ? undefined : realOrSelf(this.policy.area) };
    }
    if (!this.policy.allowOutside) return undefined;
    const prefix = literalDirectory(pattern);
    if (prefix === '') return undefined;
    try {
      const resolved = resolveName(this.policy, prefix, true);
      return { directory: resolved.path, namePrefix: prefix, confineTo: undefined };
    } catch {
      return undefined;
    }
  }

  async listSubscribed(reference: string, pattern: string): Promise<ListEntry[]> {
    const full = canonicalPattern(reference, pattern);
    const subscribed = readSubscriptions(this.policy.home);
    const seen = new Set<string>();
    const out: ListEntry[] = [];
    for (const name of subscribed) {
      if (matches(full, name) && !seen.has(name)) {
        seen.add(name);
        out.push({ name, attributes: this.subscribedAttributes(name) });
        continue;
      }
      // "%" stops at a level: a subscribed child shows its parent (RFC 3501 §6.3.9).
      const parts = name.split(DELIMITER);
      for (let level = parts.length - 1; level >= 1; level--) {
        const parent = parts.slice(0, level).join(DELIMITER);
        if (!seen.has(parent) && matches(full, parent)) {
          seen.add(parent);
          out.push({ name: parent, attributes: ['\\Noselect'] });
          break;
        }
      }
    }
    return out;
  }

  private subscribedAttributes(name: string): string[] {
    try {
      const resolved = resolveName(this.policy, name);
      const stats = statSync(resolved.path);
      return stats.isFile() ? [] : ['\\Noselect'];
    } catch {
      return isInboxName(name) ? [] : ['\\Noselect'];
    }
  }

  async subscribe(name: string): Promise<void> {
    const resolved = resolveName(this.policy, name);
    const names = readSubscriptions(this.policy.home);
    if (!names.includes(resolved.name)) writeSubscriptions(this.policy.home, [...names, resolved.name]);
  }

  async unsubscribe(name: string): Promise<void> {
    const names = readSubscriptions(this.policy.home);
    const canonical = isInboxName(name) ? 'INBOX' : name;
    if (!names.includes(canonical)) throw new MailError('nonexistent', `Not subscribed to ${name}`);
    writeSubscriptions(this.policy.home, names.filter((entry) => entry !== canonical));
  }

  // --- CREATE / DELETE / RENAME --------------------------------------------

  async create(name: string): Promise<void> {
    const resolved = resolveName(this.policy, name, true);
    if (resolved.isInbox) throw new MailError('exists', 'INBOX always exists');
    this.makeParents(resolved);
    if (resolved.isDirectory) {
      try {
        mkdirSync(resolved.path, 0o700);
      } catch (error) {
        throw mailErrorFrom(error, `Can't create ${name}`);
      }
      return;
    }
    createMailboxFile(resolved.path);
  }

  private makeParents(resolved: ResolvedName): void {
    const parent = dirname(resolved.path);
    try {
      mkdirSync(parent, { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new MailError('cannot', `Can't create ${resolved.name}: a parent level is a mailbox`);
      throw mailErrorFrom(error, `Can't create ${resolved.name}`);
    }
    if (!this.policy.allowOutside) confine(this.policy, resolved.name, parent);
  }

  async delete(name: string): Promise<void> {
    const resolved = resolveName(this.policy, name);
    if (resolved.isInbox) throw new MailError('cannot', "Can't delete INBOX");
    let stats;
    try {
      stats = lstatSync(resolved.path);
    } catch (error) {
      throw mailErrorFrom(error, `Can't delete ${name}`);
    }
    if (stats.isDirectory()) {
      try {
        rmdirSync(resolved.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new MailError('cannot', `Can't delete ${name}: it has inferior mailboxes`);
        throw mailErrorFrom(error, `Can't delete ${name}`);
      }
      return;
    }
    await this.whileUnused(resolved, async (file) => {
      try {
        unlinkSync(resolved.path);
      } catch (error) {
        throw mailErrorFrom(error, `Can't delete ${name}`);
      }
      for (const path of journalPaths(resolved.path, this.policy.home, file.dev, file.ino)) removeQuietly(path);
    });
  }

  /** Runs `task` with no session using the mailbox and its full lock held. */
  private async whileUnused(resolved: ResolvedName, task: (file: SharedFile) => Promise<void>): Promise<void> {
    const file = openShared(resolved.path, { noFollow: true });
    try {
      const session = trySessionLock(file.dev, file.ino);
      if (!session) throw new MailError('in-use', `Mailbox ${resolved.name} is in use by another session`);
      try {
        await withMailboxLock(file, 'write', this.context.lock, async () => {
          if (file.writable && journalPending(this.context, file)) await recoverAll(this.context, file);
          await task(file);
        });
      } finally {
        session.release();
      }
    } finally {
      await file.release();
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = resolveName(this.policy, from);
    const target = resolveName(this.policy, to);
    if (target.isInbox) throw new MailError('exists', 'INBOX always exists');
    if (existsOrLink(target.path)) throw new MailError('exists', `Mailbox ${to} already exists`);
    this.makeParents(target);
    if (source.isInbox) {
      await this.renameInbox(target);
      return;
    }
    let stats;
    try {
      stats = lstatSync(source.path);
    } catch (error) {
      throw mailErrorFrom(error, `Can't rename ${from}`);
    }
    const move = (): void => {
      try {
        renameSync(source.path, target.path);
      } catch (error) {
        throw mailErrorFrom(error, `Can't rename ${from} to ${to}`);
      }
    };
    if (stats.isDirectory()) move();
    else await this.whileUnused(source, async () => move());
  }

  /** RFC 3501: renaming INBOX moves its messages to the new mailbox and leaves INBOX empty. */
  private async renameInbox(target: ResolvedName): Promise<void> {
    createMailboxFile(target.path);
    const inbox = await this.open('INBOX', { readOnly: false, exclusive: true });
    try {
      const all = Array.from({ length: inbox.count }, (_, index) => index + 1);
      if (all.length > 0) {
        await inbox.copy(all, target.name);
        inbox.setFlags(all, 'add', ['\\Deleted']);
      }
    } finally {
      await inbox.close({ expunge: true });
    }
  }

  // --- STATUS / APPEND / SELECT ---------------------------------------------

  async status(name: string): Promise<MailboxStatus> {
    const resolved = resolveName(this.policy, name);
    const file = this.openUnlessAbsent(resolved);
    if (!file) return { messages: 0, recent: 0, unseen: 0, uidNext: 1, uidValidity: Math.floor(Date.now() / 1000) };
    try {
      const key = await this.statusKey(file);
      const cached = this.statusCache.get(resolved.path);
      if (cached && cached.key === key) return cached.status;
      const repair = file.writable && journalPending(this.context, file);
      const status = await withMailboxLock(file, repair ? 'write' : 'read', this.context.lock, async () => {
        if (repair) await recoverAll(this.context, file);
        const { state } = await loadFolder(file, true);
        let recent = 0;
        let unseen = 0;
        for (let row = 0; row < state.index.length; row++) {
          const bits = state.index.bits(row);
          if (bits & RECENT) recent++;
          if (!(bits & SEEN)) unseen++;
        }
        return { messages: state.index.length, recent, unseen, uidNext: state.uidLast + 1, uidValidity: state.uidValidity };
      });
      this.statusCache.set(resolved.path, { key: await this.statusKey(file), status });
      return status;
    } finally {
      await file.release();
    }
  }

  private async statusKey(file: SharedFile): Promise<string> {
    const stats = await statFile(file.fd);
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  }

  /** Opens the file of an existing mailbox; a missing INBOX is an empty one. */
  private openExisting(resolved: ResolvedName): SharedFile {
    try {
      return openShared(resolved.path, { noFollow: !this.followsLink(resolved) });
    } catch (error) {
      if (resolved.isInbox && error instanceof MailError && error.kind === 'nonexistent') {
        return openShared(resolved.path, { create: true, mode: 0o600, noFollow: true });
      }
      throw error;
    }
  }

  /**
   * Whether the last level may be a symbolic link: only for ~/mbox as INBOX,
   * which inboxPath() confined; the spool file and folders never are links.
   */
  private followsLink(resolved: ResolvedName): boolean {
    return this.policy.allowOutside || (resolved.isInbox && resolved.path !== spoolPath(this.policy));
  }

  /** openExisting, or undefined for an INBOX that does not exist and cannot be created. */
  private openUnlessAbsent(resolved: ResolvedName): SharedFile | undefined {
    try {
      return this.openExisting(resolved);
    } catch (error) {
      // A spool that exists but cannot be opened (a link, say) is an error, not an INBOX waiting for mail.
      if (!resolved.isInbox || !isMailError(error) || existsOrLink(resolved.path)) throw error;
      return undefined;
    }
  }

  async append(name: string, messages: readonly AppendMessage[]): Promise<AppendResult> {
    const resolved = resolveName(this.policy, name);
    const file = this.openExisting(resolved);
    try {
      const pending: PendingMessage[] = messages.map((message) => ({
        flags: message.flags,
        ...(message.internalDate ? { internalDate: message.internalDate } : {}),
        data: async () => message.data,
      }));
      return await appendToFile(this.context, file, pending);
    } finally {
      await file.release();
    }
  }

  async open(name: string, options: OpenOptions): Promise<Mailbox> {
    const resolved = resolveName(this.policy, name);
    const file = this.openUnlessAbsent(resolved);
    // No spool file yet, and no right to create one: an empty INBOX that
    // waits for the first delivery, as UW's dummy driver does.
    if (!file) return new AbsentInbox(resolved.path, options.readOnly, (uidValidity) => this.openFile(resolved, options, uidValidity));
    try {
      return await this.openFile(resolved, options);
    } finally {
      await file.release();
    }
  }

  private openFile(resolved: ResolvedName, options: OpenOptions, uidValidity?: number): Promise<Mailbox> {
    const spool = spoolPath(this.policy);
    const movesSpool = resolved.isInbox && resolved.path !== spool;
    return MboxMailbox.open(this.context, {
      ...options,
      name: resolved.name,
      path: resolved.path,
      noFollow: !this.followsLink(resolved),
      ...(uidValidity === undefined ? {} : { uidValidity }),
      openDestination: (destination) => this.openExisting(resolveName(this.policy, destination)),
      ...(movesSpool ? { beforePoll: (target: SharedFile, section: LockedSection) => moveSpoolMail(this.context, spool, target, section) } : {}),
    });
  }
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
}

/**
 * Creates a new mailbox file holding UW's pseudo-message, atomically: the
 * content is written to a hidden file that is then linked to the name
 * (which fails if the name exists).
 */
function createMailboxFile(path: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.create`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const now = new Date();
      writeSync(fd, pseudoMessage({ uidValidity: Math.floor(now.getTime() / 1000), uidLast: 0, keywords: [] }, now), null, 'latin1');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temporary, path);
  } catch (error) {
    throw mailErrorFrom(error, `Can't create mailbox ${basename(path)}`);
  } finally {
    removeQuietly(temporary);
  }
}
