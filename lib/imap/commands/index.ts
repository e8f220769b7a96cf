// The command registry: every command file's export, one line each. The
// dispatcher and CAPABILITY see exactly what is listed here.
import type { Command } from '../command';
import { CommandTable } from '../table';
import { appendCommand } from './append';
import { authenticateCommand } from './authenticate';
import { capabilityCommand } from './capability';
import { checkCommand } from './check';
import { closeCommand } from './close';
import { copyCommand, uidCopyCommand } from './copy';
import { createCommand } from './create';
import { deleteCommand } from './delete';
import { enableCommand } from './enable';
import { expungeCommand, uidExpungeCommand } from './expunge';
import { fetchCommand, uidFetchCommand } from './fetch';
import { idCommand } from './id';
import { idleCommand } from './idle';
import { listMailboxesCommand } from './list';
import { loginCommand } from './login';
import { logoutCommand } from './logout';
import { lsubCommand } from './lsub';
import { moveCommand, uidMoveCommand } from './move';
import { namespaceCommand } from './namespace';
import { noopCommand } from './noop';
import { renameCommand } from './rename';
import { searchCommand, uidSearchCommand } from './search';
import { examineCommand, selectCommand } from './select';
import { sortCommand, uidSortCommand } from './sort';
import { starttlsCommand } from './starttls';
import { statusCommand } from './status';
import { storeFlagsCommand, uidStoreCommand } from './store';
import { subscribeCommand } from './subscribe';
import { threadCommand, uidThreadCommand } from './thread';
import { unselectCommand } from './unselect';
import { unsubscribeCommand } from './unsubscribe';

const COMMANDS: readonly Command[] = [
  // any state
  capabilityCommand,
  noopCommand,
  logoutCommand,
  idCommand,
  // not authenticated
  starttlsCommand,
  authenticateCommand,
  loginCommand,
  // authenticated
  enableCommand,
  selectCommand,
  examineCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  listMailboxesCommand,
  lsubCommand,
  namespaceCommand,
  statusCommand,
  appendCommand,
  idleCommand,
  // selected
  checkCommand,
  closeCommand,
  unselectCommand,
  expungeCommand,
  uidExpungeCommand,
  storeFlagsCommand,
  uidStoreCommand,
  copyCommand,
  uidCopyCommand,
  moveCommand,
  uidMoveCommand,
  fetchCommand,
  uidFetchCommand,
  searchCommand,
  uidSearchCommand,
  sortCommand,
  uidSortCommand,
  threadCommand,
  uidThreadCommand,
];

export function commandTable(): CommandTable {
  return new CommandTable(COMMANDS);
}
