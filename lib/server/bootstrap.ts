// What every server executable does before its protocol starts: read the
// command line (only when there is one), guard the process, read the
// configuration, open the inherited connection, set up logging, apply
// tcp_wrappers, and for implicit TLS complete the handshake before the
// greeting. `--check` prints its report and exits here.
import { basename } from 'node:path';
import { settlePlaintextHost } from '../auth/plaintext-hosts';
import { loadConfig, type Config } from '../config/config';
import { configureLog, log } from '../log/syslog';
import { Connection } from '../net/connection';
import { admitClient } from '../net/hostsaccess/gate';
import { InputReader } from '../net/input';
import { loadTlsContext, wantsImplicitTls } from '../net/tls';
import { DEFAULT_COMMAND_LINE, parseCommandLine, type CommandLine } from './cli';
import { exitProcess, guardProcess } from './process';

export type Program = 'imapd' | 'ipop3d' | 'ipop2d';

export interface ServerContext {
  readonly program: Program;
  /** Name the executable was started as (e.g. "simapd"), for UW's implicit-TLS naming rule. */
  readonly invokedAs: string;
  readonly commandLine: CommandLine;
  readonly config: Config;
  readonly connection: Connection;
  readonly input: InputReader;
}

/**
 * Prepares the session. Resolves undefined when there is no session to run
 * (--help, --version, --check, a refused client, a failed TLS handshake):
 * the process is then already on its way out and the caller just returns.
 */
export async function bootstrap(program: Program): Promise<ServerContext | undefined> {
  const args = process.argv.slice(2);
  const parsed = args.length > 0 ? parseCommandLine(program, args) : { kind: 'run' as const, commandLine: DEFAULT_COMMAND_LINE };
  if (parsed.kind === 'exit') {
    exitProcess(parsed.status);
    return undefined;
  }
  const { commandLine } = parsed;
  guardProcess(program);
  const config = loadConfig({ path: commandLine.configPath, overrides: commandLine.overrides });
  configureLog({ ident: program, socketPath: config.string('syslog-socket') });
  if (commandLine.check) {
    const { runCheck } = await import('./check');
    exitProcess(runCheck(program, config));
    return undefined;
  }
  const invokedAs = basename(process.argv[1] ?? program);
  const connection = Connection.fromStdio();

  // ---- tcp_wrappers (lib/net/hostsaccess): before TLS and the greeting.
  if (!(await admitClient({ program, config, connection }))) {
    exitProcess(0);
    return undefined;
  }
  // ---- end tcp_wrappers
  await settlePlaintextHost(config, connection.peer);

  if (wantsImplicitTls({ local: connection.local, invokedAs, requested: commandLine.implicitTls })) {
    if (!(await startImplicitTls(program, config, connection))) {
      await connection.end();
      exitProcess(1);
      return undefined;
    }
  }
  const input = new InputReader(connection);
  return { program, invokedAs, commandLine, config, connection, input };
}

async function startImplicitTls(program: Program, config: Config, connection: Connection): Promise<boolean> {
  const context = loadTlsContext(program, config);
  const host = connection.peer?.address ?? 'pipe';
  if (!context) {
    log('err', `implicit TLS wanted but no usable certificate for ${program}; closing connection from [${host}]`);
    return false;
  }
  // A client that never starts the handshake is held no longer than one that never logs in.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), config.number('login-timeout') * 1000);
  });
  try {
    await Promise.race([connection.startTls(context), timeout]);
    return true;
  } catch (error) {
    log('notice', `TLS handshake failed with [${host}]: ${(error as Error).message}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
