// Runs IMAP scripts against the real engine (dispatcher, session, command
// table) on an in-memory mailbox loaded from an mbox fixture, and returns
// exactly what the server wrote. The mailbox driver is faked so that these
// scripts test the content commands alone.
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { loginContext } from '../../../lib/auth/context';
import { loadConfig } from '../../../lib/config/config';
import { commandTable } from '../../../lib/imap/commands';
import { Dispatcher } from '../../../lib/imap/dispatcher';
import { SelectedMailbox } from '../../../lib/imap/selected';
import { Session } from '../../../lib/imap/session';
import { MailError } from '../../../lib/mail/errors';
import type { CopyResult, FlagMode, Mailbox, MailboxEvents, MailStore } from '../../../lib/mail/types';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';

// INTERNALDATE is written in the server's zone; scripts expect UTC.
process.env.TZ = 'UTC';

export interface StoredMessage {
  readonly data: Buffer;
  readonly internalDate: Date;
  flags: Set<string>;
  recent: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Messages of an mbox file (From line dates as INTERNALDATE, LF made CRLF). */
export function readMbox(path: string): StoredMessage[] {
  const text = readFileSync(path, 'latin1').replace(/\n\n$/, '\n');
  return text.split(/\n(?=From )/).map((entry) => {
    const newline = entry.indexOf('\n');
    const from = /(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4})\s*$/.exec(entry.slice(0, newline));
    const internalDate = from
      ? new Date(Date.UTC(Number(from[6]), MONTHS.indexOf(from[1] as string), Number(from[2]), Number(from[3]), Number(from[4]), Number(from[5])))
      : new Date(0);
    const data = Buffer.from(entry.slice(newline + 1).replace(/\n/g, '\r\n'), 'latin1');
    return { data, internalDate, flags: new Set<string>(), recent: true };
  });
}

/** An in-memory mailbox; UIDs are 1…n unless given. */
export class MemoryMailbox implements Mailbox {
  readonly name = 'INBOX';
  readonly uidValidity = 1;
  readonly keywords: string[] = [];
  readonly canCreateKeywords = true;
  private readonly uids: number[];

  constructor(
    readonly messages: StoredMessage[],
    readonly readOnly = false,
    uids?: number[],
  ) {
    this.uids = uids ?? messages.map((_, index) => index + 1);
  }

  get uidNext(): number {
    return (this.uids.at(-1) ?? 0) + 1;
  }

  get count(): number {
    return this.messages.length;
  }

  setListener(_events: MailboxEvents): void {}

  private message(seq: number): StoredMessage {
    const message = this.messages[seq - 1];
    if (message === undefined) throw new MailError('nonexistent', `no message ${seq}`);
    return message;
  }

  uid(seq: number): number {
    return this.uids[seq - 1] ?? 0;
  }

  seqOfUid(uid: number): number | undefined {
    const index = this.uids.indexOf(uid);
    return index < 0 ? undefined : index + 1;
  }

  flags(seq: number): readonly string[] {
    return [...this.message(seq).flags];
  }

  hasFlag(seq: number, flag: string): boolean {
    return this.message(seq).flags.has(flag);
  }

  isRecent(seq: number): boolean {
    return this.message(seq).recent;
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
    if (this.readOnly) throw new MailError('read-only', 'read-only');
    const changed: number[] = [];
    for (const seq of seqs) {
      const message = this.message(seq);
      const before = [...message.flags].sort().join(' ');
      if (mode === 'replace') message.flags = new Set(flags);
      for (const flag of flags) {
        if (mode === 'add') message.flags.add(flag);
        if (mode === 'remove') message.flags.delete(flag);
      }
      if ([...message.flags].sort().join(' ') !== before) changed.push(seq);
    }
    return changed;
  }

  async copy(): Promise<CopyResult> {
    throw new MailError('cannot', 'not in this fake');
  }

  async expunge(): Promise<void> {}
  async checkpoint(): Promise<void> {}
  async poll(): Promise<void> {}
  watch(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}


/**
 * Runs `commands` (one per line, CRLF added) in the selected state on
 * `mailbox` and returns the server's output, split into lines.
 */
export async function runScript(mailbox: Mailbox, commands: readonly (string | Buffer)[]): Promise<string[]> {
  const output: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      output.push(Buffer.from(chunk));
      callback();
    },
  });
  const connection = Connection.fromStream(stream);
  const config = loadConfig({ path: '/dev/null' });
  const session = new Session({
    config,
    connection,
    input: new InputReader(connection),
    login: loginContext('imap', config, connection),
    tlsAvailable: false,
    commands: commandTable(),
    clientHost: 'test',
    openStore: () => {
      throw new Error('no store in content scripts');
    },
  });
  session.authenticated({ user: { name: 'test', home: '/nonexistent', uid: 0, gid: 0 } } as MailStore);
  session.select(new SelectedMailbox(mailbox));
  for (const command of commands) stream.push(typeof command === 'string' ? `${command}\r\n` : command);
  stream.push(null);
  await new Dispatcher(session).run();
  const text = Buffer.concat(output).toString('latin1');
  return text.split('\r\n').slice(0, -1);
}
