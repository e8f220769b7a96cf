// A syslog socket for tests: a unix datagram socket on a temporary path
// that collects what the servers log (point `syslog-socket` at `.path`).
// The socket and its directory are open to everyone, because the servers
// log after dropping root to the user's identity.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SyslogRecord {
  readonly facility: number;
  readonly severity: number;
  /** e.g. "imapd" */
  readonly ident: string;
  readonly pid: number;
  readonly message: string;
  /** The datagram as received. */
  readonly raw: string;
}

interface DatagramSocket {
  bind(path: string): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

export const FACILITY = { mail: 2, auth: 4, authpriv: 10 } as const;

export class SyslogListener {
  readonly records: SyslogRecord[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    readonly path: string,
    private readonly directory: string,
    private readonly socket: DatagramSocket,
  ) {
    socket.on('message', (data) => {
      this.records.push(parseRecord(data.toString('utf8')));
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  static start(): SyslogListener {
    const directory = mkdtempSync(join(tmpdir(), 'syslog-'));
    chmodSync(directory, 0o755);
    const path = join(directory, 'log');
    const unix = createRequire(__filename)('unix-dgram') as { createSocket(type: 'unix_dgram'): DatagramSocket };
    const socket = unix.createSocket('unix_dgram');
    socket.on('error', () => undefined);
    socket.bind(path);
    chmodSync(path, 0o666);
    return new SyslogListener(path, directory, socket);
  }

  /** The messages so far (without the syslog header). */
  get messages(): string[] {
    return this.records.map((record) => record.message);
  }

  /** The first record whose message matches, waiting for it if needed. */
  async waitFor(pattern: RegExp, timeoutMs = 10000): Promise<SyslogRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.find((record) => pattern.test(record.message));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no syslog line matching ${pattern}; got:\n${this.messages.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

function parseRecord(raw: string): SyslogRecord {
  const match = /^<(\d+)>(?:\w{3} [ \d]\d \d\d:\d\d:\d\d )?([^[:\s]+)\[(\d+)\]: (.*)$/s.exec(raw);
  if (!match) return { facility: -1, severity: -1, ident: '', pid: 0, message: raw, raw };
  const priority = Number(match[1]);
  return {
    facility: priority >> 3,
    severity: priority & 7,
    ident: match[2] ?? '',
    pid: Number(match[3]),
    message: match[4] ?? '',
    raw,
  };
}
