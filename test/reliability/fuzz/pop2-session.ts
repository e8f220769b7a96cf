// Runs one POP2 fuzz plan against the real bin/ipop2d (RFC 937, started as
// root as under inetd) in lockstep. The client follows the server's state
// as RFC 937 defines it: "#n" opens a folder, "=n" announces a message of n
// octets (0: none), RETR then sends exactly those n octets, "+" greets or
// says goodbye, and "-" refuses and ends the session. Each line read gets
// exactly one of those answers.
import type { Random } from '../../../bench/random';
import { LiveServer } from './live';
import { LineClient, serverLines, unprintable, withoutEnding } from './line-client';
import { PAM_USER, VIRTUAL_USER } from './mail-area';
import { count, endingProblems, mailboxProblems, permissionsFor, type Outcome, type Worker } from './outcome';
import type { PopPlan } from './pop-plans';

const REMOVAL = /\bACKD\b/;
const NEVER = /$^/;
const ANSWER = /^(\+|-|#\d+|=\d+)( .*)?$/;

interface Pop2Client {
  readonly problems: string[];
  readonly responses: Record<string, number>;
  sent: string;
  lines: number;
  ended: boolean;
  /** A last line without its LF was sent before the hangup. */
  partial: boolean;
  /** The octets the last "=n" announced while a message is pending RETR, else undefined. */
  announced: number | undefined;
}

export async function runPop2Session(worker: Worker, plan: PopPlan, random: Random): Promise<Outcome> {
  const users = plan.login === 'pam' ? [PAM_USER] : [VIRTUAL_USER];
  worker.area.restore('small', users);
  const server = new LiveServer({ program: 'ipop2d', configPath: worker.area.configPath });
  const client = new LineClient(server);
  const state: Pop2Client = { problems: [], responses: {}, sent: '', lines: 0, ended: false, partial: false, announced: undefined };
  try {
    await converse(client, server, plan, random, state);
  } finally {
    const ending = await server.finish();
    state.problems.push(...endingProblems(server, ending));
  }
  // A last line cut off by the hangup may still be refused (an over-long one is, at the end of input).
  if (state.partial && client.unread > 0) {
    const last = await client.line();
    if (typeof last !== 'string' || !/^- [\x20-\x7e]*$/.test(last)) state.problems.push(`malformed answer to the unfinished last line: ${JSON.stringify(last)}`);
  }
  if (client.unread > 0) state.problems.push(`${client.unread} bytes of output that answer nothing: ${JSON.stringify(server.output.toString('latin1').slice(-200))}`);
  if (state.ended) count(state.responses, 'closed');
  state.problems.push(...(await mailboxProblems(worker, users, 'small', permissionsFor(state.sent, REMOVAL, NEVER))));
  return {
    problems: state.problems,
    input: Buffer.from(state.sent, 'latin1'),
    output: server.output,
    pid: server.pid,
    commands: state.lines,
    responses: state.responses,
    closedByServer: state.ended,
    label: `pop2 ${plan.kind} ${plan.login} [${plan.mutations.join(',')}]`,
  };
}

async function converse(client: LineClient, server: LiveServer, plan: PopPlan, random: Random, state: Pop2Client): Promise<void> {
  const greeting = await client.line();
  if (typeof greeting !== 'string' || !/^\+ POP2 /.test(greeting)) {
    state.problems.push(`bad greeting ${JSON.stringify(greeting)}`);
    return;
  }
  const { lines, partial } = serverLines(plan.text);
  for (const line of lines) {
    state.sent += line;
    state.lines += 1;
    await client.send(random, line);
    if (!(await answerTo(client, withoutEnding(line), state))) {
      state.ended = true;
      return;
    }
  }
  if (partial !== '' && server.accepting) {
    state.sent += partial;
    state.partial = true;
    await client.send(random, partial);
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
  if (kind === '-' || (kind === '+' && name === 'QUIT')) return false;
  if (kind === '#') state.announced = undefined;
  if (kind === '=') {
    const size = Number(/^=(\d+)/.exec(answer)?.[1]);
    state.announced = size > 0 ? size : undefined;
  }
  return true;
}
