// The frame of a POP3 or POP2 fuzz session: restore the mailboxes, start the
// server as root (as inetd does), check the greeting, let the protocol's
// client talk line by line, send the unfinished last line if any, hang up,
// and check what is left: no output that answers nothing, a clean exit, and
// intact mailboxes.
import type { Random } from '../../../bench/random';
import { LiveServer, type Program } from './live';
import { LineClient, serverLines } from './line-client';
import { PAM_USER, VIRTUAL_USER } from './mail-area';
import { count, endingProblems, mailboxProblems, type Outcome, type Worker } from './outcome';
import type { PopPlan } from './pop-plans';

export interface LineState {
  readonly problems: string[];
  readonly responses: Record<string, number>;
  /** Every byte sent so far. */
  sent: string;
  lines: number;
  /** The server ended the session (after its last answer). */
  ended: boolean;
  /**
   * Deletions were committed: POP3's QUIT or POP2's FOLD/QUIT answered after
   * a DELE or ACKD. Before that, a hangup must leave every message in place.
   */
  committed: boolean;
}

export interface LineProtocol<S extends LineState> {
  readonly program: Program;
  readonly greeting: RegExp;
  /** How the server may refuse an unfinished last line at the end of input (an over-long one). */
  readonly lastRefusal: RegExp;
  initial(): S;
  /** Sends the lines one by one and checks each answer; returns when done or when the session ended. */
  converse(client: LineClient, greeting: string, lines: readonly string[], random: Random, state: S): Promise<void>;
}

export async function runLineSession<S extends LineState>(protocol: LineProtocol<S>, worker: Worker, plan: PopPlan, random: Random): Promise<Outcome> {
  const users = plan.login === 'pam' ? [PAM_USER] : [VIRTUAL_USER];
  worker.area.restore('small', users);
  const server = new LiveServer({ program: protocol.program, configPath: worker.area.configPath });
  const client = new LineClient(server);
  const state = protocol.initial();
  let partialSent = false;
  try {
    const greeting = await client.line();
    if (typeof greeting !== 'string' || !protocol.greeting.test(greeting)) {
      state.problems.push(`bad greeting ${JSON.stringify(greeting)}`);
    } else {
      const { lines, partial } = serverLines(plan.text);
      await protocol.converse(client, greeting, lines, random, state);
      if (partial !== '' && !state.ended && server.accepting) {
        state.sent += partial;
        partialSent = true;
        await client.send(random, partial);
      }
    }
  } finally {
    const ending = await server.finish();
    state.problems.push(...endingProblems(server, ending));
  }
  if (partialSent && client.unread > 0) {
    const last = await client.line();
    if (typeof last !== 'string' || !protocol.lastRefusal.test(last)) state.problems.push(`malformed answer to the unfinished last line: ${JSON.stringify(last)}`);
  }
  if (server.output.includes(worker.area.root)) state.problems.push(`a response names a path on the server (${worker.area.root}/...)`);
  if (client.unread > 0) state.problems.push(`${client.unread} bytes of output that answer nothing: ${JSON.stringify(server.output.toString('latin1').slice(-200))}`);
  if (state.ended) count(state.responses, 'closed');
  state.problems.push(...(await mailboxProblems(worker, users, 'small', { removal: state.committed, addition: false })));
  return {
    problems: state.problems,
    input: Buffer.from(state.sent, 'latin1'),
    output: server.output,
    pid: server.pid,
    commands: state.lines,
    responses: state.responses,
    closedByServer: state.ended,
    label: `${protocol.program} ${plan.kind} ${plan.login} [${plan.mutations.join(',')}]`,
  };
}
