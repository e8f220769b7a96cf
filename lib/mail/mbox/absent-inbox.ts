// INBOX before the user's first mail, when the spool file does not exist
// and the spool directory does not let us create it (Debian's /var/mail).
// Like UW's dummy driver it is an empty mailbox that watches for the file;
// once a delivery agent creates it, the real mailbox takes over (with the
// UIDVALIDITY already announced) and its messages arrive as EXISTS.
import { existsSync, watch as watchPath, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { MailError } from '../errors';
import type { CopyResult, FlagMode, Mailbox, MailboxEvents } from '../types';

const SILENT: MailboxEvents = { exists: () => undefined, expunged: () => undefined, flagsChanged: () => undefined };
const WATCH_FALLBACK_MS = 2_000;

export class AbsentInbox implements Mailbox {
  readonly name = 'INBOX';
  readonly uidValidity = Math.floor(Date.now() / 1000);
  private inner: Mailbox | undefined;
  private listener: MailboxEvents = SILENT;

  constructor(
    private readonly path: string,
    readonly readOnly: boolean,
    /** Opens the real mailbox once the file exists, announcing `uidValidity`. */
    private readonly openReal: (uidValidity: number) => Promise<Mailbox>,
  ) {}

  private get real(): Mailbox {
    if (!this.inner) throw new MailError('nonexistent', 'No such message');
    return this.inner;
  }

  get uidNext(): number {
    return this.inner?.uidNext ?? 1;
  }
  get count(): number {
    return this.inner?.count ?? 0;
  }
  get keywords(): readonly string[] {
    return this.inner?.keywords ?? [];
  }
  get canCreateKeywords(): boolean {
    return this.inner?.canCreateKeywords ?? !this.readOnly;
  }

  setListener(events: MailboxEvents): void {
    this.listener = events;
    this.inner?.setListener(events);
  }

  uid(seq: number): number {
    return this.real.uid(seq);
  }
  seqOfUid(uid: number): number | undefined {
    return this.inner?.seqOfUid(uid);
  }
  flags(seq: number): readonly string[] {
    return this.real.flags(seq);
  }
  hasFlag(seq: number, flag: string): boolean {
    return this.real.hasFlag(seq, flag);
  }
  isRecent(seq: number): boolean {
    return this.real.isRecent(seq);
  }
  internalDate(seq: number): Date {
    return this.real.internalDate(seq);
  }
  size(seq: number): number {
    return this.real.size(seq);
  }
  read(seq: number): Promise<Buffer> {
    return this.real.read(seq);
  }
  readHeader(seq: number): Promise<Buffer> {
    return this.real.readHeader(seq);
  }
  setFlags(seqs: readonly number[], mode: FlagMode, flags: readonly string[]): number[] {
    if (this.readOnly) throw new MailError('read-only', 'Mailbox is read-only');
    return seqs.length === 0 && !this.inner ? [] : this.real.setFlags(seqs, mode, flags);
  }
  copy(seqs: readonly number[], destination: string): Promise<CopyResult> {
    return this.real.copy(seqs, destination);
  }
  async expunge(uids?: ReadonlySet<number>): Promise<void> {
    await this.inner?.expunge(uids);
  }
  async checkpoint(): Promise<void> {
    await this.inner?.checkpoint();
  }

  async poll(options: { allowExpunge: boolean }): Promise<void> {
    if (this.inner) {
      await this.inner.poll(options);
      return;
    }
    if (!existsSync(this.path)) return;
    const inner = await this.openReal(this.uidValidity);
    this.inner = inner;
    inner.setListener(this.listener);
    if (inner.uidValidity !== this.uidValidity) throw new MailError('corrupt', 'INBOX appeared with another UIDVALIDITY');
    if (inner.count > 0) this.listener.exists(inner.count);
  }

  watch(changed: () => void): () => void {
    if (this.inner) return this.inner.watch(changed);
    const name = basename(this.path);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watchPath(dirname(this.path), { persistent: false }, (_, file) => {
        if (file === name) changed();
      });
      watcher.on('error', () => undefined);
    } catch {
      // The timer still works.
    }
    const timer = setInterval(() => {
      if (existsSync(this.path)) changed();
    }, WATCH_FALLBACK_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      watcher?.close();
    };
  }

  async close(options: { expunge: boolean }): Promise<void> {
    await this.inner?.close(options);
  }
}
