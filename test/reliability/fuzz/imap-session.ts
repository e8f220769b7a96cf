// Runs one IMAP fuzz plan against the real bin/imapd and checks it: the
// responses are well-formed, no tag is answered more often than it was
// sent, nothing follows BYE but the last tagged answer, lockstep commands
// are all answered, the process ends cleanly, and the mailboxes are intact.
import type { Random } from '../../../bench/random';
import { getpwnam } from '../../../lib/auth/passwd';
import { IS_ROOT } from '../../helpers/require';
import { IMAP_DICTIONARY, type ImapPlan } from './imap-plans';
import { parseResponses, responseProblem, type ImapResponse } from './imap-responses';
import { HANG_MS, LiveServer } from './live';
import { PAM_USER, PREAUTH_USER, VIRTUAL_USER } from './mail-area';
import { count, endingProblems, mailboxProblems, pause, permissionsFor, writeInPieces, type Outcome, type Worker } from './outcome';

const REMOVAL = /\b(EXPUNGE|CLOSE|MOVE|RENAME|DELETE)\b/;
const ADDITION = /\b(APPEND|COPY|MOVE|RENAME)\b/;
/** How long a careful client waits for "+" before it sends a literal anyway. */
const PACING_MS = 500;

/** Follows the server's output as the session runs. */
class Follower {
  readonly responses: ImapResponse[] = [];
  private consumed = 0;

  constructor(private readonly server: LiveServer) {}

  update(): void {
    const parsed = parseResponses(this.server.output, this.consumed);
    this.consumed = parsed.consumed;
    this.responses.push(...parsed.responses);
  }

  get leftover(): number {
    return this.server.outputSize - this.consumed;
  }

  /** Waits for a response at index >= `from` matching `wanted`; false when the server went silent. */
  async waitFor(from: number, wanted: (response: ImapResponse) => boolean): Promise<ImapResponse | 'closed' | undefined> {
    let found: ImapResponse | undefined;
    const ready = (): boolean => {
      this.update();
      found = this.responses.slice(from).find(wanted);
      return found !== undefined;
    };
    const answered = await this.server.waitFor(ready, HANG_MS);
    if (found) return found;
    return answered ? 'closed' : undefined;
  }
}

const nobody = IS_ROOT ? getpwnam(PREAUTH_USER) : undefined;

export async function runImapSession(worker: Worker, plan: ImapPlan, random: Random): Promise<Outcome> {
  const users = plan.login === 'preauth' ? [PREAUTH_USER] : plan.login === 'pam' ? [PAM_USER] : [VIRTUAL_USER, PAM_USER];
  worker.area.restore(plan.inbox, users);
  const identity = plan.login === 'preauth' && nobody ? { uid: nobody.uid, gid: nobody.gid } : undefined;
  const server = new LiveServer({ program: 'imapd', configPath: worker.area.configPath, ...(identity ? { identity } : {}) });
  const follower = new Follower(server);
  const problems: string[] = [];
  const sent: string[] = [];
  try {
    const inLockstep = plan.kind === 'lockstep' || plan.kind === 'framed';
    if (inLockstep || random.chance(0.5)) await follower.waitFor(0, () => true);
    if (inLockstep) problems.push(...(await lockstep(server, follower, plan, random, sent)));
    else {
      for (const command of plan.commands) {
        if (!server.accepting) break;
        sent.push(command);
        await writeCommand(server, follower, random, command);
        if (random.chance(0.2)) await pause(random);
      }
    }
  } finally {
    const ending = await server.finish();
    problems.push(...endingProblems(server, ending));
  }
  const closedByServer = !server.accepting && sent.length < plan.commands.length;
  follower.update();
  const input = sent.join('');
  problems.push(...transcriptProblems(follower, input));
  if (server.output.includes(worker.area.root)) problems.push(`a response names a path on the server (${worker.area.root}/...)`);
  // A server may end a session early (LOGOUT, too many errors, an over-long line), but always says so.
  if (closedByServer && !follower.responses.some((response) => response.kind === 'untagged' && response.name === 'BYE')) {
    problems.push('closed the connection while the client was still sending, without BYE');
  }
  problems.push(...(await mailboxProblems(worker, users, plan.inbox, permissionsFor(input, REMOVAL, ADDITION))));
  return {
    problems,
    input: Buffer.from(input, 'latin1'),
    output: server.output,
    pid: server.pid,
    commands: sent.length,
    responses: responseCounts(follower.responses, closedByServer),
    closedByServer,
    label: `imap ${plan.kind} ${plan.login} ${plan.inbox} [${plan.mutations.join(',')}]`,
  };
}

/**
 * Writes a command; now and then, as a careful client does, its literal data
 * only after the server's "+" for a synchronizing literal (or its refusal).
 * That wait only paces the client: a lying literal may get neither.
 */
async function writeCommand(server: LiveServer, follower: Follower, random: Random, command: string): Promise<void> {
  const pieces = random.chance(0.5) ? command.split(/(?<=[^+]\}\r\n)/) : [command];
  for (const [index, piece] of pieces.entries()) {
    const from = follower.responses.length;
    await writeInPieces(server, random, Buffer.from(piece, 'latin1'));
    if (index === pieces.length - 1 || !server.accepting) continue;
    await server.waitFor(() => {
      follower.update();
      return follower.responses.slice(from).some((response) => response.kind === 'continuation' || response.kind === 'tagged');
    }, PACING_MS);
  }
}

/** Sends each command after the previous one was answered (one line, one answer); a command left unanswered is a hang. */
async function lockstep(server: LiveServer, follower: Follower, plan: ImapPlan, random: Random, sent: string[]): Promise<string[]> {
  for (const command of plan.commands) {
    if (!server.accepting) break;
    const tag = command.slice(0, command.indexOf(' '));
    let from = follower.responses.length;
    sent.push(command);
    await server.write(Buffer.from(command, 'latin1'));
    for (let round = 0; ; round++) {
      // A command whose tag a mutation spoiled is answered "* BAD"; one that ends the session, "* BYE".
      const answer = await follower.waitFor(from, (response) => response.kind === 'tagged' || response.kind === 'continuation' || (response.kind === 'untagged' && ['BAD', 'BYE'].includes(response.name)));
      if (answer === 'closed') return [];
      if (answer === undefined) return [`no answer to ${JSON.stringify(command.slice(0, 200))} within ${HANG_MS / 1000} s`];
      if (plan.kind === 'lockstep' && answer.kind === 'tagged' && answer.tag !== tag) return [`${JSON.stringify(command.slice(0, 100))} answered with tag ${answer.tag}`];
      if (answer.kind !== 'continuation') break;
      if (round > 3) return ['more than three continuation requests for one command'];
      // IDLE or AUTHENTICATE asks for more: end it, cancel it, or send something else.
      from = follower.responses.length;
      const reply = random.pick(['DONE', 'DONE', '*', 'AGZ1enplcgBmdXp6LXBhc3M=', 'bm90IGJhc2U2NA==', '!!!', '', `${tag}x NOOP`, random.pick(IMAP_DICTIONARY)]);
      sent.push(`${reply}\r\n`);
      await server.write(Buffer.from(`${reply}\r\n`, 'latin1'));
    }
  }
  return [];
}

/** How often each tag may be answered: once per line of the input that starts with it. */
function tagAllowance(input: string, tag: string): number {
  let allowed = 0;
  let at = 0;
  for (;;) {
    if (input.startsWith(tag, at)) {
      const next = input[at + tag.length];
      if (next === undefined || !/[!#$&'\x2c-\x5b\x5d-\x7a|}~]/.test(next)) allowed += 1;
    }
    const end = input.indexOf('\n', at);
    if (end < 0) return allowed;
    at = end + 1;
  }
}

function transcriptProblems(follower: Follower, input: string): string[] {
  const problems: string[] = [];
  const responses = follower.responses;
  const first = responses[0];
  if (!first) problems.push('no greeting');
  else if (first.kind !== 'untagged' || !['OK', 'PREAUTH', 'BYE'].includes(first.name)) problems.push(`bad greeting ${JSON.stringify(first.text.slice(0, 100))}`);
  if (follower.leftover > 0) problems.push(`output ends with ${follower.leftover} bytes of an incomplete response`);
  const answered = new Map<string, number>();
  let afterBye = -1;
  responses.forEach((response, index) => {
    const problem = responseProblem(response);
    if (problem) problems.push(`response ${index + 1}: ${problem}: ${JSON.stringify(response.text.slice(0, 200))}`);
    if (afterBye >= 0) {
      afterBye += 1;
      if (response.kind !== 'tagged' || afterBye > 1) problems.push(`response after BYE: ${JSON.stringify(response.text.slice(0, 200))}`);
    }
    if (response.kind === 'untagged' && response.name === 'BYE' && index > 0) afterBye = 0;
    if (response.kind === 'tagged') answered.set(response.tag, (answered.get(response.tag) ?? 0) + 1);
  });
  for (const [tag, times] of answered) {
    const allowed = tagAllowance(input, tag);
    if (times > allowed) problems.push(`tag ${JSON.stringify(tag)} answered ${times} times, sent ${allowed}`);
  }
  return problems.slice(0, 20);
}

function responseCounts(responses: readonly ImapResponse[], closedByServer: boolean): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    if (response.kind === 'tagged') count(counts, response.status);
    else if (response.kind === 'continuation') count(counts, '+');
    else if (response.kind === 'untagged' && response.name === 'BYE') count(counts, 'BYE');
  }
  if (closedByServer) count(counts, 'closed');
  return counts;
}
