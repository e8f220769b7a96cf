// What every server executable does before its protocol starts: guard the
// process, read the configuration, open the inherited connection, and set up
// logging. The security layer extends this with command-line options,
// tcp_wrappers and implicit TLS (see lib/auth, lib/net).
import { basename } from 'node:path';
import { loadConfig, type Config } from '../config/config';
import { configureLog } from '../log/syslog';
import { Connection } from '../net/connection';
import { InputReader } from '../net/input';
import { guardProcess } from './process';

export type Program = 'imapd' | 'ipop3d' | 'ipop2d';

export interface ServerContext {
  readonly program: Program;
  /** Name the executable was started as (e.g. "simapd"), for UW's implicit-TLS naming rule. */
  readonly invokedAs: string;
  readonly config: Config;
  readonly connection: Connection;
  readonly input: InputReader;
}

export function bootstrap(program: Program): ServerContext {
  guardProcess(program);
  const config = loadConfig();
  configureLog({ ident: program, socketPath: config.string('syslog-socket') });
  const connection = Connection.fromStdio();
  const input = new InputReader(connection);
  return { program, invokedAs: basename(process.argv[1] ?? program), config, connection, input };
}
