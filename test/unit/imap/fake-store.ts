// An in-memory MailStore for engine tests: enough of the driver contract
// (lib/mail/types.ts) that several sessions can share mailboxes and see
// each other's changes only when they poll, as with the real driver.
import { MailError } from '../../../lib/mail/errors';
import type {
  AppendMessage, AppendResult, CopyResult, FlagMode, ListEntry, Mailbox, MailboxEvents, MailboxStatus, MailStore, MailUser, Namespace, OpenOptions,
} from '../../../lib/mail/types';

interface StoredMessage {
  readonly uid: number;
  readonly data: Buffer;
  readonly internalDate: Date;
  flags: Set<string>;
  flagVersion: number;
  recentClaimed: boolean;
}

export class StoredMailbox {
  messages: StoredMessage[] = [];
  keywords: string[] = [];
  uidNext = 1;
  readonly watchers = new Set<() => void>();
  constructor(readonly uidValidity: number) {}

  /** Stores a message; `uid` (ascending) and `recent: false` let scripts mirror a mailbox seen before. */
  add(message: AppendMessage, options: { uid?: number; recent?: boolean } = {}): number {
    const uid = options.uid ?? this.uidNext;
    this.uidNext = uid + 1;
    for (const flag of message.flags) if (!flag.startsWith('\\') && !this.keywords.includes(flag)) this.keywords.push(flag);
    this.messages.push({ uid, data: message.data, internalDate: message.internalDate ?? new Date(), flags: new Set(message.flags), flagVersion: 0, recentClaimed: options.recent === false });
    this.changed();
    return uid;
  }

  changed(): void {
    for (const watcher of this.watchers) watcher();
  }
}

export class FakeStore implements MailStore {
  readonly personalNamespace: Namespace = { prefix: '', delimiter: '/' };
  readonly otherNamespace: Namespace | undefined = undefined;
  readonly mailboxes = new Map<string, StoredMailbox>([['INBOX', new StoredMailbox(1000)]]);
  readonly subscriptions = new Set<string>();
  private nextValidity = 2000;

  constructor(readonly user: MailUser = { name: 'fred', home: '/tmp', uid: 1000, gid: 1000 }) {}

  private get(name: string): StoredMailbox {
    const mailbox = this.mailboxes.get(name);
    if (!mailbox) throw new MailError('nonexistent', `Mailbox ${name} does not exist`);
    return mailbox;
  }

  checkName(name: string): void {
    if (name === '' || name.includes('..')) throw new MailError('bad-name', `Invalid mailbox name ${name}`);
  }

  async list(reference: string, pattern: string): Promise<ListEntry[]> {
    return this.matching([...this.mailboxes.keys()], reference + pattern);
  }

  async listSubscribed(reference: string, pattern: string): Promise<ListEntry[]> {
    return this.matching([...this.subscriptions], reference + pattern);
  }

  private matching(names: string[], pattern: string): ListEntry[] {
    const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*');
    const regex = new RegExp(`^${source}$`, 'i');
    return names.sort().filter((name) => regex.test(name)).map((name) => {
      const children = [...this.mailboxes.keys()].some((other) => other.startsWith(`${name}/`));
      return { name, attributes: [children ? '\\HasChildren' : '\\HasNoChildren'] };
    });
  }

  async create(name: string): Promise<void> {
    this.checkName(name);
    if (this.mailboxes.has(name)) throw new MailError('exists', 'Mailbox already exists');
    this.mailboxes.set(name, new StoredMailbox(this.nextValidity++));
  }

  async delete(name: string): Promise<void> {
    if (name === 'INBOX') throw new MailError('cannot', 'Cannot delete INBOX');
    this.get(name);
    this.mailboxes.delete(name);
  }

  async rename(from: string, to: string): Promise<void> {
    const mailbox = this.get(from);
    if (this.mailboxes.has(to)) throw new MailError('exists', 'Mailbox already exists');
    this.mailboxes.delete(from);
    this.mailboxes.set(to, mailbox);
  }

  async subscribe(name: string): Promise<void> {
    this.subscriptions.add(name);
  }

  async unsubscribe(name: string): Promise<void> {
    this.subscriptions.delete(name);
  }

  async status(name: string): Promise<MailboxStatus> {
    const mailbox = this.get(name);
    return {
      messages: mailbox.messages.length,
      recent: mailbox.messages.filter((message) => !message.recentClaimed).length,
      unseen: mailbox.messages.filter((message) => !message.flags.has('\\Seen')).length,
      uidNext: mailbox.uidNext,
      uidValidity: mailbox.uidValidity,
    };
  }

  async append(name: string, messages: readonly AppendMessage[]): Promise<AppendResult> {
    const mailbox = this.get(name);
    if (messages.some((message) => message.data.includes('REFUSE'))) throw new MailError('cannot', 'Message refused');
    return { uidValidity: mailbox.uidValidity, uids: messages.map((message) => mailbox.add(message)) };
  }

  async open(name: string, options: OpenOptions): Promise<Mailbox> {
    return new FakeMailbox(this, name, this.get(name), options.readOnly);
  }

  stored(name: string): StoredMailbox {
    return this.get(name);
  }
}

export class FakeMailbox implements Mailbox {
  private view: StoredMessage[];
  private readonly seenVersions = new Map<number, number>();
  private readonly recent = new Set<number>();
  private events: MailboxEvents | undefined;

  constructor(
    private readonly store: FakeStore,
    readonly name: string,
    private readonly stored: StoredMailbox,
    readonly readOnly: boolean,
  ) {
    this.view = [...stored.messages];
    for (const message of this.view) this.adopt(message);
  }

  private adopt(message: StoredMessage): void {
    this.seenVersions.set(message.uid, message.flagVersion);
    if (!this.readOnly && !message.recentClaimed) {
      message.recentClaimed = true;
      this.recent.add(message.uid);
    }
  }

  get uidValidity(): number {
    return this.stored.uidValidity;
  }
  get uidNext(): number {
    return this.stored.uidNext;
  }
  get count(): number {
    return this.view.length;
  }
  get keywords(): readonly string[] {
    return this.stored.keywords;
  }
  readonly canCreateKeywords = true;

  setListener(events: MailboxEvents): void {
    this.events = events;
  }

  private message(seq: number): StoredMessage {
    const message = this.view[seq - 1];
    if (!message) throw new Error(`no message ${seq}`);
    return message;
  }

  uid(seq: number): number {
    return this.message(seq).uid;
  }
  seqOfUid(uid: number): number | undefined {
    const index = this.view.findIndex((message) => message.uid === uid);
    return index < 0 ? undefined : index + 1;
  }
  flags(seq: number): readonly string[] {
    return [...this.message(seq).flags];
  }
  hasFlag(seq: number, flag: string): boolean {
    return this.message(seq).flags.has(flag);
  }
  isRecent(seq: number): boolean {
    return this.recent.has(this.message(seq).uid);
  }
  internalDate(seq: number): Date {
    return this.message(seq).internalDate;
  }
  size(seq: number): number {
    return this.message(seq).data.length;
  }
  async read(seq: number): Promise<Buffer> {
    return this.message(seq).data;
  }
  async readHeader(seq: number): Promise<Buffer> {
    const data = this.message(seq).data;
    const end = data.indexOf('\r\n\r\n');
    return end < 0 ? data : data.subarray(0, end + 4);
  }

  setFlags(seqs: readonly number[], mode: FlagMode, flags: readonly string[]): number[] {
    if (this.readOnly) throw new MailError('read-only', 'Mailbox is read-only');
    const changed: number[] = [];
    for (const seq of seqs) {
      const message = this.message(seq);
      const before = [...message.flags].sort().join(' ');
      const next = new Set(mode === 'replace' ? [] : message.flags);
      for (const flag of flags) {
        if (mode === 'remove') next.delete(flag);
        else next.add(flag);
        if (!flag.startsWith('\\') && !this.stored.keywords.includes(flag)) this.stored.keywords.push(flag);
      }
      message.flags = next;
      if ([...next].sort().join(' ') !== before) {
        message.flagVersion += 1;
        this.seenVersions.set(message.uid, message.flagVersion);
        changed.push(seq);
      }
    }
    if (changed.length > 0) this.stored.changed();
    return changed;
  }

  async copy(seqs: readonly number[], destination: string): Promise<CopyResult> {
    const target = this.store.stored(destination);
    const sourceUids = seqs.map((seq) => this.uid(seq));
    const destinationUids = seqs.map((seq) => {
      const message = this.message(seq);
      return target.add({ data: message.data, flags: [...message.flags], internalDate: message.internalDate });
    });
    return { uidValidity: target.uidValidity, sourceUids, destinationUids };
  }

  async expunge(uids?: ReadonlySet<number>): Promise<void> {
    if (this.readOnly) throw new MailError('read-only', 'Mailbox is read-only');
    const doomed = new Set(this.stored.messages.filter((message) => message.flags.has('\\Deleted') && (!uids || uids.has(message.uid))).map((m) => m.uid));
    this.stored.messages = this.stored.messages.filter((message) => !doomed.has(message.uid));
    for (let seq = this.view.length; seq >= 1; seq--) {
      if (doomed.has(this.message(seq).uid)) {
        this.view.splice(seq - 1, 1);
        this.events?.expunged(seq);
      }
    }
    if (doomed.size > 0) this.stored.changed();
  }

  async checkpoint(): Promise<void> {}

  async poll(options: { allowExpunge: boolean }): Promise<void> {
    const present = new Set(this.stored.messages.map((message) => message.uid));
    if (options.allowExpunge) {
      for (let seq = this.view.length; seq >= 1; seq--) {
        if (!present.has(this.message(seq).uid)) {
          this.view.splice(seq - 1, 1);
          this.events?.expunged(seq);
        }
      }
    }
    this.view.forEach((message, index) => {
      if (this.seenVersions.get(message.uid) !== message.flagVersion) {
        this.seenVersions.set(message.uid, message.flagVersion);
        this.events?.flagsChanged(index + 1);
      }
    });
    const lastUid = this.view.at(-1)?.uid ?? 0;
    const added = this.stored.messages.filter((message) => message.uid > lastUid);
    if (added.length > 0) {
      for (const message of added) {
        this.view.push(message);
        this.adopt(message);
      }
      this.events?.exists(this.view.length);
    }
  }

  watch(changed: () => void): () => void {
    this.stored.watchers.add(changed);
    return () => this.stored.watchers.delete(changed);
  }

  async close(options: { expunge: boolean }): Promise<void> {
    if (options.expunge) await this.expunge();
  }
}
