// In-memory stand-ins for the mail store and the login layer, and a harness
// that runs a POP3 session over a stream pair with a scripted client.
import { PassThrough, Duplex } from 'node:stream';
import type { Account, SaslExchange, SaslStep } from '../../../lib/auth/types';
import { loadConfig, type Config } from '../../../lib/config/config';
import { MailError } from '../../../lib/mail/errors';
import type { FlagMode, Mailbox, MailboxEvents, MailStore } from '../../../lib/mail/types';
import { configureLog } from '../../../lib/log/syslog';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';
import type { LoginPort, TlsPort } from '../../../lib/pop3/login';
import { Pop3Session } from '../../../lib/pop3/session';
import { ScriptClient } from '../../helpers/client';

export interface FakeMessage {
  uid: number;
  data: Buffer;
  flags: Set<string>;
}

export class FakeMailbox implements Mailbox {
  readonly name = 'INBOX';
  readonly readOnly = false;
  readonly keywords: readonly string[] = [];
  readonly canCreateKeywords = false;
  closed: { expunge: boolean } | undefined;
  expungedUids: number[] = [];

  constructor(
    readonly messages: FakeMessage[],
    readonly uidValidity = 0x5f5e100,
  ) {}

  static of(texts: readonly string[], flags: ReadonlyArray<readonly string[]> = []): FakeMailbox {
    return new FakeMailbox(texts.map((text, index) => ({ uid: index + 1, data: Buffer.from(text), flags: new Set(flags[index] ?? []) })));
  }

  get uidNext(): number {
    return (this.messages.at(-1)?.uid ?? 0) + 1;
  }

  get count(): number {
    return this.messages.length;
  }

  setListener(_events: MailboxEvents): void {}

  private at(seq: number): FakeMessage {
    const message = this.messages[seq - 1];
    if (!message) throw new RangeError(`no message ${seq}`);
    return message;
  }

  uid(seq: number): number {
    return this.at(seq).uid;
  }

  seqOfUid(uid: number): number | undefined {
    const index = this.messages.findIndex((message) => message.uid === uid);
    return index < 0 ? undefined : index + 1;
  }

  flags(seq: number): readonly string[] {
    return [...this.at(seq).flags];
  }

  hasFlag(seq: number, flag: string): boolean {
    return this.at(seq).flags.has(flag);
  }

  isRecent(): boolean {
    return false;
  }

  internalDate(): Date {
    return new Date(0);
  }

  size(seq: number): number {
    return this.at(seq).data.length;
  }

  async read(seq: number): Promise<Buffer> {
    return this.at(seq).data;
  }

  async readHeader(seq: number): Promise<Buffer> {
    return this.at(seq).data;
  }

  setFlags(seqs: readonly number[], mode: FlagMode, flags: readonly string[]): number[] {
    for (const seq of seqs) {
      const message = this.at(seq);
      if (mode === 'replace') message.flags.clear();
      for (const flag of flags) {
        if (mode === 'remove') message.flags.delete(flag);
        else message.flags.add(flag);
      }
    }
    return [...seqs];
  }

  async copy(): Promise<never> {
    throw new Error('not in the fake');
  }

  async expunge(uids?: ReadonlySet<number>): Promise<void> {
    for (let index = this.messages.length - 1; index >= 0; index--) {
      const message = this.messages[index];
      if (message && message.flags.has('\\Deleted') && (!uids || uids.has(message.uid))) {
        this.expungedUids.push(message.uid);
        this.messages.splice(index, 1);
      }
    }
  }

  async checkpoint(): Promise<void> {}
  async poll(): Promise<void> {}
  watch(): () => void {
    return () => undefined;
  }

  async close(options: { expunge: boolean }): Promise<void> {
    this.closed = options;
  }
}

export const ALICE: Account = { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' };

export interface FakeLoginOptions {
  plaintext?: boolean;
  apop?: boolean;
  nologin?: string;
  openError?: Error;
  mailbox?: FakeMailbox;
  /** Seconds loginDelay() reports. */
  delay?: number;
  /** Folders other than INBOX, by name. */
  folders?: Record<string, FakeMailbox>;
}

/** alice/secret logs in; PLAIN and CRAM-MD5 ("alice" + any digest "good") are offered. */
export function fakeLogin(options: FakeLoginOptions = {}): LoginPort & { entered: Account[] } {
  const plaintext = (): boolean => options.plaintext ?? true;
  const entered: Account[] = [];
  const check = (user: string, password: string): Account | undefined => (user === 'alice' && password === 'secret' ? ALICE : undefined);
  return {
    entered,
    plaintextAllowed: plaintext,
    mechanisms: () => (plaintext() ? ['CRAM-MD5', 'PLAIN'] : ['CRAM-MD5']),
    startSasl(mechanism: string): SaslExchange | undefined {
      if (mechanism === 'PLAIN' && plaintext()) return plainExchange(check);
      if (mechanism === 'CRAM-MD5') return cramExchange();
      return undefined;
    },
    verifyPlaintext: async (user, password) => check(user, password),
    apopTimestamp: () => (options.apop ? '<1.2@test>' : undefined),
    verifyApop: async (timestamp, user, digest) => (timestamp === '<1.2@test>' && user === 'alice' && digest === 'a'.repeat(32) ? ALICE : undefined),
    failureDelay: async () => undefined,
    nologinText: () => options.nologin,
    loginDelay: () => options.delay ?? 0,
    async enter(account: Account): Promise<MailStore> {
      entered.push(account);
      return {
        open: async (name: string) => {
          if (options.openError) throw options.openError;
          if (name === 'INBOX') return options.mailbox ?? FakeMailbox.of([]);
          const folder = options.folders?.[name];
          if (!folder) throw new MailError('nonexistent', `no folder ${name}`);
          return folder;
        },
      } as unknown as MailStore;
    },
  };
}

function plainExchange(check: (user: string, password: string) => Account | undefined): SaslExchange {
  let started = false;
  return {
    async step(response): Promise<SaslStep> {
      if (response === undefined) {
        if (started) return { kind: 'failure', user: undefined };
        started = true;
        return { kind: 'challenge', data: Buffer.alloc(0) };
      }
      const [, user = '', password = ''] = response.toString().split('\0');
      const account = check(user, password);
      return account ? { kind: 'success', account } : { kind: 'failure', user };
    },
  };
}

function cramExchange(): SaslExchange {
  let asked = false;
  return {
    async step(response): Promise<SaslStep> {
      if (!asked) {
        asked = true;
        return { kind: 'challenge', data: Buffer.from('<challenge@test>') };
      }
      const [user, digest] = (response ?? Buffer.alloc(0)).toString().split(' ');
      return user === 'alice' && digest === 'good' ? { kind: 'success', account: ALICE } : { kind: 'failure', user };
    },
  };
}

export function testConfig(overrides: readonly string[] = []): Config {
  return loadConfig({ path: '/dev/null', overrides });
}

export interface RunningSession {
  readonly client: ScriptClient;
  readonly session: Pop3Session;
  readonly done: Promise<void>;
  readonly tlsStarts: number[];
}

export const inUse = (): MailError => new MailError('in-use', 'locked');

/** Starts a session on an in-memory connection; the greeting is already read. */
export async function startSession(
  login: LoginPort = fakeLogin(),
  options: { overrides?: readonly string[]; tlsAvailable?: boolean; tlsUsable?: boolean } = {},
): Promise<RunningSession & { greeting: string }> {
  configureLog({ socketPath: '/nonexistent/log' });
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverSide = Duplex.from({ readable: toServer, writable: toClient });
  const connection = Connection.fromStream(serverSide);
  const tlsStarts: number[] = [];
  const tls: TlsPort = {
    available: options.tlsAvailable ?? false,
    prepare: () => options.tlsUsable ?? true,
    start: async () => {
      tlsStarts.push(Date.now());
      throw new Error('no TLS in unit tests');
    },
  };
  const session = new Pop3Session({
    connection,
    input: new InputReader(connection),
    config: testConfig(options.overrides),
    login,
    tls,
    serverName: 'pop.test',
    clientHost: '[192.0.2.1]',
  });
  const client = new ScriptClient(toClient, toServer);
  const done = session.run();
  const greeting = (await client.line()) ?? '';
  return { client, session, done, tlsStarts, greeting };
}

/** Sends one command and returns its single-line answer. */
export async function ask(client: ScriptClient, line: string): Promise<string> {
  client.send(line);
  return (await client.line()) ?? '<closed>';
}

/** Sends one command and returns the multi-line answer (status line first, without the final dot). */
export async function askMulti(client: ScriptClient, line: string): Promise<string[]> {
  client.send(line);
  const lines: string[] = [];
  for (;;) {
    const next = await client.line();
    if (next === undefined) throw new Error(`closed during ${line}: ${lines.join(' | ')}`);
    if (lines.length === 0 && next.startsWith('-ERR')) return [next];
    if (next === '.') return lines;
    lines.push(next);
  }
}
