// Runs the IMAP engine in-process over a pair of streams, with a FakeStore,
// and talks to it through the ScriptClient the integration tests use.
import { createRequire } from 'node:module';
import { PassThrough, Duplex } from 'node:stream';
import { loginContext } from '../../../lib/auth';
import { loadConfig } from '../../../lib/config/config';
import { commandTable } from '../../../lib/imap/commands';
import { Dispatcher } from '../../../lib/imap/dispatcher';
import { Session } from '../../../lib/imap/session';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';
import { ScriptClient } from '../../helpers/client';
import { FakeStore } from './fake-store';

// lib/log/syslog keeps its datagram socket open for the life of the process
// (a server exits explicitly); in-process tests would then never end, so the
// datagram addon is replaced by one that drops lines.
const load = createRequire(__filename);
const addonPath = load.resolve('unix-dgram/build/Release/unix_dgram.node');
load.cache[addonPath] ??= {
  id: addonPath,
  exports: { AF_UNIX: 1, SOCK_DGRAM: 2, socket: () => -1, sendto: () => 0, close: () => 0 },
} as unknown as NodeJS.Module;

export interface EngineSession {
  readonly client: ScriptClient;
  readonly session: Session;
  /** Resolves when the dispatcher loop has ended. */
  readonly finished: Promise<void>;
}

export function startEngine(options: { store?: FakeStore; authenticated?: boolean; overrides?: string[] } = {}): EngineSession {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const stream = Duplex.from({ readable: toServer, writable: fromServer });
  const connection = Connection.fromStream(stream);
  const config = loadConfig({ path: '/dev/null', overrides: ['login-failure-delay=0', ...(options.overrides ?? [])] });
  const store = options.store ?? new FakeStore();
  const session = new Session({
    config,
    connection,
    input: new InputReader(connection),
    login: loginContext('imap', config, connection),
    tlsAvailable: false,
    commands: commandTable(),
    clientHost: 'UNKNOWN',
    openStore: () => store,
  });
  if (options.authenticated ?? true) session.authenticated(store);
  const finished = new Dispatcher(session).run();
  return { client: new ScriptClient(fromServer, toServer), session, finished };
}

/** A message with CRLF line ends. */
export function message(subject: string, body = 'Hello.'): Buffer {
  return Buffer.from(`From: a@example.com\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);
}
