// The command loop: read a whole command, find it in the table, check the
// state, parse its arguments, run it, then — and only here — send the
// mailbox updates the RFC allows at that point, and the tagged completion.
// Every kind of bad input has a bounded, explicit answer.
import type { Command, Completion } from './command';
import { refusalFor, type Refusal } from './errors';
import type { Session } from './session';
import { Decoder } from './wire/decoder';
import { CommandReader, type LiteralPolicy, type ReadResult } from './wire/reader';

/** Consecutive BAD answers after which the session ends. */
const MAX_CONSECUTIVE_BAD = 10;
/** BAD answers before login after which the session ends (scanners, wrong protocol). */
const MAX_BAD_BEFORE_LOGIN = 5;
/** Deepest parenthesised nesting accepted in any command (SEARCH, lists). */
export const MAX_NESTING = 32;

export class Dispatcher {
  private readonly reader: CommandReader;
  private consecutiveBad = 0;
  private badBeforeLogin = 0;

  constructor(private readonly session: Session) {
    // A refused literal bigger than any we would accept is not worth reading past.
    this.reader = new CommandReader(session.input, session.config.number('max-line'), session.config.number('max-literal'));
  }

  /** Serves commands until LOGOUT, a BYE, or the end of the connection. */
  async run(): Promise<void> {
    const session = this.session;
    while (session.state !== 'logout' && session.pendingFarewell === undefined) {
      const result = await session.waitForClient(this.reader.read(this.hooks()));
      if (result.kind === 'end') return;
      if (result.kind === 'command') await this.executeBusy(result.data);
      else this.refuseInput(result);
      await session.drain();
    }
  }

  private hooks(): { policyFor: (line: Buffer) => LiteralPolicy; continueLiteral: () => Promise<void> } {
    const session = this.session;
    return {
      policyFor: (line) => {
        const command = session.commands.find(commandNameOf(line));
        return command?.literals === 'message'
          ? { limit: session.config.number('max-literal'), tooBig: 'no' }
          : { limit: session.config.number('max-line'), tooBig: 'bad' };
      },
      continueLiteral: async () => {
        session.continuation('Ready for argument');
        await session.drain();
      },
    };
  }

  private refuseInput(result: Exclude<ReadResult, { kind: 'command' } | { kind: 'end' }>): void {
    if (result.kind === 'line-too-long') {
      // The rest of an over-long line is unknown (it may announce a literal whose
      // bytes would then read as commands), so the session cannot safely go on.
      this.answerBad(result.tag, 'Command line too long');
      this.session.endAfterCommand('Command line too long');
    } else {
      if (result.policy.tooBig === 'no' && result.tag !== undefined) this.session.tagged(result.tag, 'NO [TOOBIG] Message too large');
      else this.answerBad(result.tag, 'Literal too large');
      // Its bytes are still coming and were not read: nothing after them can be trusted (RFC 7888 §4).
      if (result.cutOff) this.session.endAfterCommand('[TOOBIG] Literal too large, closing connection');
    }
  }

  private async executeBusy(data: Buffer): Promise<void> {
    this.session.busy = true;
    try {
      await this.execute(data);
    } finally {
      this.session.busy = false;
    }
  }

  private async execute(data: Buffer): Promise<void> {
    const session = this.session;
    const decoder = new Decoder(data, { maxDepth: MAX_NESTING });
    const tag = decoder.expectTag();
    if (decoder.failed) return this.answerBad(undefined, 'Missing or invalid tag');
    decoder.expectSP();
    let name = decoder.expectAtom().toUpperCase();
    const uid = name === 'UID';
    if (uid) {
      decoder.expectSP();
      name = `UID ${decoder.expectAtom().toUpperCase()}`;
    }
    if (decoder.failed) return this.answerBad(tag, 'Missing command');
    const command = session.commands.find(name);
    if (!command) return this.answerBad(tag, `Command unrecognized: ${name}`);
    if (!command.states.includes(session.state)) return this.answerBad(tag, `${name}: ${this.stateRefusal(command)}`);

    session.current = { tag, name, uid };
    let completion: Completion | void = undefined;
    let refusal: Refusal | undefined;
    try {
      const args = command.parse(decoder, session);
      decoder.expectEnd();
      if (decoder.error !== undefined) return this.answerBad(tag, `${name}: ${decoder.error}`);
      completion = await command.run(session, args);
    } catch (error) {
      refusal = refusalFor(error, name);
    }
    await session.sync({ allowExpunge: !command.usesSequenceNumbers });
    if (refusal) {
      if (refusal.status === 'BAD') return this.answerBad(tag, refusal.text);
      session.tagged(tag, `NO ${refusal.code ? `[${refusal.code}] ` : ''}${refusal.text}`);
    } else {
      const code = completion?.code ? `[${completion.code}] ` : '';
      session.tagged(tag, `OK ${code}${completion?.text ?? `${name} completed`}`);
    }
    this.consecutiveBad = 0;
    await session.drain();
    await completion?.after?.();
  }

  private stateRefusal(command: Command): string {
    const state = this.session.state;
    if (state === 'not-authenticated') return 'Please log in first';
    if (command.states.includes('not-authenticated')) return 'Already logged in';
    if (command.states.includes('selected')) return 'No mailbox selected';
    return 'Command not allowed now';
  }

  /** A BAD answer (untagged when there is no usable tag), ending the session when they pile up. */
  private answerBad(tag: string | undefined, text: string): void {
    const session = this.session;
    if (tag === undefined) session.untagged(`BAD ${text}`);
    else session.tagged(tag, `BAD ${text}`);
    this.consecutiveBad += 1;
    if (session.state === 'not-authenticated') this.badBeforeLogin += 1;
    if (this.consecutiveBad >= MAX_CONSECUTIVE_BAD || this.badBeforeLogin >= MAX_BAD_BEFORE_LOGIN) {
      session.endAfterCommand('Too many invalid commands');
    }
  }
}

/** `FETCH`, `UID FETCH`… from a raw first line, for choosing the literal limit before parsing. */
function commandNameOf(line: Buffer): string {
  const words = line.toString('latin1', 0, Math.min(line.length, 64)).split(' ');
  const first = (words[1] ?? '').toUpperCase();
  return first === 'UID' ? `UID ${(words[2] ?? '').toUpperCase()}` : first;
}
