// Runs IMAP scripts against the real engine (dispatcher, session, command
// table) on an in-memory mailbox loaded from an mbox fixture, and returns
// exactly what the server wrote. The mailbox driver is the engine tests'
// in-memory fake, so that these scripts test the content commands alone.
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { loginContext } from '../../../lib/auth/context';
import { loadConfig } from '../../../lib/config/config';
import { commandTable } from '../../../lib/imap/commands';
import { Dispatcher } from '../../../lib/imap/dispatcher';
import { SelectedMailbox } from '../../../lib/imap/selected';
import { Session } from '../../../lib/imap/session';
import type { Mailbox, MailStore } from '../../../lib/mail/types';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';
import { FakeMailbox, FakeStore } from '../../unit/imap/fake-store';

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

/** The messages as INBOX of the shared in-memory store; UIDs are 1…n unless given. */
export function memoryMailbox(messages: readonly StoredMessage[], readOnly = false, uids?: readonly number[]): Mailbox {
  const store = new FakeStore();
  const inbox = store.stored('INBOX');
  messages.forEach(({ data, internalDate, flags, recent }, index) => {
    inbox.add({ data, internalDate, flags: [...flags] }, { uid: uids?.[index], recent });
  });
  return new FakeMailbox(store, 'INBOX', inbox, readOnly);
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
