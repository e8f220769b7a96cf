// Argument checks shared by the commands that name a message.
import type { Pop3Session } from '../session';
import { err, parseNumber, printable, type CommandLine } from '../wire';

/**
 * The message number of `args[index]` when it names a message still in the
 * maildrop; otherwise answers -ERR and returns undefined.
 */
export async function messageNumber(session: Pop3Session, command: CommandLine, index = 0): Promise<number | undefined> {
  const text = command.args[index];
  if (text === undefined) {
    await session.refuse(err(`${command.name} needs a message number`));
    return undefined;
  }
  const number = parseNumber(text);
  if (number === undefined || number === 0) {
    await session.refuse(err(`Invalid message number: ${printable(text, 40)}`));
    return undefined;
  }
  const maildrop = session.maildrop;
  if (!maildrop || number > maildrop.size) {
    session.reply(err(`No such message: ${number} (the maildrop has ${maildrop?.size ?? 0})`));
    return undefined;
  }
  if (!maildrop.exists(number)) {
    session.reply(err(`Message ${number} is already deleted`));
    return undefined;
  }
  return number;
}

/** Refuses extra arguments beyond `count`; true when the command may go on. */
export async function atMost(session: Pop3Session, command: CommandLine, count: number): Promise<boolean> {
  if (command.args.length <= count) return true;
  const what = count === 0 ? 'no argument' : count === 1 ? 'one argument' : `${count} arguments`;
  await session.refuse(err(`${command.name} takes ${what}`));
  return false;
}
