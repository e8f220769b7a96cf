// The command table: every command by name (UID forms as `UID FETCH`).
import type { Command } from './command';

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(commands: Iterable<Command>) {
    for (const command of commands) this.byName.set(command.name, command);
  }

  find(name: string): Command | undefined {
    return this.byName.get(name.toUpperCase());
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}
