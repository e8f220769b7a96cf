// Command-line options, the same for imapd, ipop3d and ipop2d. inetd usually
// passes none, so commander is loaded only when there are arguments. Help and
// version go to stdout (an administrator asked for them); a usage error goes
// to syslog, and to stderr only when fd 2 is not a socket (under inetd it is
// the client's).
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { log } from '../log/syslog';

export interface CommandLine {
  /** Configuration file instead of $IMAPD_CONFIG or /etc/imapd.cf. */
  readonly configPath: string | undefined;
  /** `option=value` settings applied over the file. */
  readonly overrides: readonly string[];
  /** TLS from the first byte (as on the imaps/pop3s ports). */
  readonly implicitTls: boolean;
  /** Print the effective settings and check the installation, then exit. */
  readonly check: boolean;
}

export const DEFAULT_COMMAND_LINE: CommandLine = { configPath: undefined, overrides: [], implicitTls: false, check: false };

export type CommandLineResult =
  | { readonly kind: 'run'; readonly commandLine: CommandLine }
  | { readonly kind: 'exit'; readonly status: number };

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  imapd: 'IMAP4rev1 server, started by inetd for each connection (UW imapd compatible).',
  ipop3d: 'POP3 server, started by inetd for each connection (UW ipop3d compatible).',
  ipop2d: 'POP2 server, started by inetd for each connection (UW ipop2d compatible).',
};

/** Parses the arguments; help, version and usage errors are answered here and end in `exit`. */
export function parseCommandLine(program: string, args: readonly string[]): CommandLineResult {
  if (args.length === 0) return { kind: 'run', commandLine: DEFAULT_COMMAND_LINE };
  const command = buildCommand(program);
  try {
    command.parse([...args], { from: 'user' });
  } catch (error) {
    const exitCode = (error as CommanderError).exitCode;
    return { kind: 'exit', status: typeof exitCode === 'number' ? exitCode : 2 };
  }
  const options = command.opts<{ config?: string; set?: string[]; tls?: boolean; check?: boolean }>();
  return {
    kind: 'run',
    commandLine: { configPath: options.config, overrides: options.set ?? [], implicitTls: options.tls === true, check: options.check === true },
  };
}

function buildCommand(program: string): Command {
  const { Command: CommandClass } = createRequire(__filename)('commander') as typeof import('commander');
  return new CommandClass(program)
    .description(DESCRIPTIONS[program] ?? '')
    .usage('[options]')
    .option('-c, --config <file>', 'configuration file (default: $IMAPD_CONFIG or /etc/imapd.cf)')
    .option('-s, --set <option=value>', 'set a configuration option, overriding the file (repeatable)', collect)
    .option('--tls', 'speak TLS from the first byte (implicit TLS), as on the imaps and pop3s ports')
    .option('--check', 'print the effective settings, check certificate, PAM, spool, mlock, tcp_wrappers and password file, then exit (status 1 on errors)')
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writeSync(1, text),
      writeErr: reportUsageError,
      outputError: (text, write) => write(text),
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function reportUsageError(text: string): void {
  log('err', `command line: ${text.trim()}`);
  if (!stderrIsSocket()) writeSync(2, text);
}

function stderrIsSocket(): boolean {
  try {
    return fstatSync(2).isSocket();
  } catch {
    return true;
  }
}
