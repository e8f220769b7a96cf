// Runs one POP2 fuzz plan against the real bin/ipop2d (RFC 937, started as
// root as under inetd) in lockstep. The client follows the server's state
// as RFC 937 defines it: "#n" opens a folder, "=n" announces a message of n
// octets (0: none), RETR then sends exactly those n octets, "+" greets or
// says goodbye, and "-" refuses and ends the session. Each line read gets
// exactly one of those answers.
import type { Random } from '../../../bench/random';
import { LineClient, unprintable, withoutEnding } from './line-client';
import { runLineSession, type LineProtocol, type LineState } from './line-session';
import { count, type Outcome, type Worker } from './outcome';
import type { PopPlan } from './pop-plans';

const ANSWER = /^(\+|-|#\d+|=\d+)( .*)?$/;

interface Pop2Client extends LineState {
  /** The octets the last "=n" announced while a message is pending RETR, else undefined. */
  announced: number | undefined;
  /** An ACKD was answered; leaving the folder (FOLD, QUIT) then commits it. */
  deleted: boolean;
}

const POP2: LineProtocol<Pop2Client> = {
  program: 'ipop2d',
  greeting: /^\+ POP2 /,
  lastRefusal: /^- [\x20-\x7e]*$/,
  initial: () => ({ problems: [], responses: {}, sent: '', lines: 0, ended: false, committed: false, announced: undefined, deleted: false }),
  converse,
};

export function runPop2Session(worker: Worker, plan: PopPlan, random: Random): Promise<Outcome> {
  return runLineSession(POP2, worker, plan, random);
}

async function converse(client: LineClient, _greeting: string, lines: readonly string[], random: Random, state: Pop2Client): Promise<void> {
  for (const line of lines) {
    state.sent += line;
    state.lines += 1;
    await client.send(random, line);
    if (!(await answerTo(client, withoutEnding(line), state))) {
      state.ended = true;
      return;
    }
  }
}

/** The command word and argument as ipop2d splits a line. */
function split(line: string): { name: string; argument: string | undefined } {
  const text = Buffer.from(line, 'latin1').toString('utf8');
  const space = text.indexOf(' ');
  const argument = space < 0 ? undefined : text.slice(space + 1);
  return { name: (space < 0 ? text : text.slice(0, space)).toUpperCase(), argument: argument === '' ? undefined : argument };
}

/** Reads and checks the answer to one line; false when the session is over. */
async function answerTo(client: LineClient, line: string, state: Pop2Client): Promise<boolean> {
  const { name, argument } = split(line);
  if (name === 'RETR' && argument === undefined && state.announced !== undefined) {
    const size = state.announced;
    state.announced = undefined;
    const data = await client.bytes(size);
    if (data === 'silent') {
      state.problems.push(`RETR: no ${size} octets within the hang timer`);
      return false;
    }
    if (data !== 'closed' && data.length === size) {
      count(state.responses, 'message');
      return true;
    }
    state.problems.push(`RETR: the server closed after ${data === 'closed' ? 0 : data.length} of ${size} octets`);
    return false;
  }
  const answer = await client.line();
  if (answer === 'closed' || answer === 'silent') {
    state.problems.push(`${answer === 'closed' ? 'closed' : 'no answer within the hang timer'} without answering ${JSON.stringify(line.slice(0, 100))}`);
    return false;
  }
  if (!ANSWER.test(answer) || unprintable(answer)) {
    state.problems.push(`malformed answer ${JSON.stringify(answer.slice(0, 200))} to ${JSON.stringify(line.slice(0, 100))}`);
    return false;
  }
  const kind = answer.startsWith('#') ? '#' : answer.startsWith('=') ? '=' : answer.slice(0, 1);
  count(state.responses, kind);
  if (name === 'ACKD' && kind === '=') state.deleted = true;
  // FOLD applies the folder's changes before it opens the next one, which may still fail.
  if (name === 'FOLD' || (kind === '+' && name === 'QUIT')) state.committed ||= state.deleted;
  if (kind === '-' || (kind === '+' && name === 'QUIT')) return false;
  if (kind === '#') state.announced = undefined;
  if (kind === '=') {
    const size = Number(/^=(\d+)/.exec(answer)?.[1]);
    state.announced = size > 0 ? size : undefined;
  }
  return true;
}
