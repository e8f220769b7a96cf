// The command registry: every command file's export, one line each. The
// dispatcher and CAPABILITY see exactly what is listed here.
import type { Command } from '../command';
import { CommandTable } from '../table';
import { capabilityCommand } from './capability';
import { checkCommand } from './check';
import { logoutCommand } from './logout';
import { noopCommand } from './noop';

const COMMANDS: readonly Command[] = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  checkCommand,
];

export function commandTable(): CommandTable {
  return new CommandTable(COMMANDS);
}
