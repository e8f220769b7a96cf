// The shape of a command handler and its entry in the command table.
import type { Pop3Session, Pop3State } from '../session';
import type { CommandLine } from '../wire';

export interface Pop3Command {
  /** States in which the command is valid; elsewhere the dispatcher refuses it. */
  readonly states: readonly Pop3State[];
  run(session: Pop3Session, command: CommandLine): Promise<void> | void;
}

export const ANY_STATE: readonly Pop3State[] = ['authorization', 'transaction'];
export const AUTHORIZATION: readonly Pop3State[] = ['authorization'];
export const TRANSACTION: readonly Pop3State[] = ['transaction'];
