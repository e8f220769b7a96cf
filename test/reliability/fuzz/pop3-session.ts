// Runs one POP3 fuzz plan against the real bin/ipop3d (started as root, as
// under inetd) in lockstep: every line the server reads gets exactly one
// answer, "+OK"/"-ERR" (multi-line ones dot-terminated and dot-stuffed, RETR
// exactly the octets it announced) or a SASL "+ " challenge, until the
// server ends the session after saying why.
import type { Random } from '../../../bench/random';
import { parseCommandLine } from '../../../lib/pop3/wire';
import { apopDigest } from '../../protocol/pop3/pop-home';
import { LineClient, unprintable, withoutEnding, type Read } from './line-client';
import { runLineSession, type LineProtocol, type LineState } from './line-session';
import { VIRTUAL_PASSWORD } from './mail-area';
import { count, type Outcome, type Worker } from './outcome';
import type { PopPlan } from './pop-plans';

const STATUS = /^(\+OK|-ERR)( [\x20-\x7e]*)?$/;
const CHALLENGE = /^\+ [A-Za-z0-9+/=]*$/;
const MULTI_ALWAYS = new Set(['RETR', 'TOP', 'CAPA']);
const MULTI_WITHOUT_ARGUMENT = new Set(['LIST', 'UIDL', 'AUTH']);

interface Exchange extends LineState {
  /** The last status line, which may have announced the end. */
  last: string;
  /** A DELE was accepted; QUIT then commits it. */
  deleted: boolean;
}

const POP3: LineProtocol<Exchange> = {
  program: 'ipop3d',
  greeting: /^\+OK /,
  lastRefusal: /^-ERR [\x20-\x7e]*$/,
  initial: () => ({ problems: [], responses: {}, sent: '', lines: 0, ended: false, committed: false, last: '', deleted: false }),
  converse,
};

export function runPop3Session(worker: Worker, plan: PopPlan, random: Random): Promise<Outcome> {
  return runLineSession(POP3, worker, plan, random);
}

async function converse(client: LineClient, greeting: string, lines: readonly string[], random: Random, exchange: Exchange): Promise<void> {
  const digest = apopDigest(greeting, VIRTUAL_PASSWORD);
  let inSasl = false;
  let next = 0;
  while (next < lines.length) {
    // Usually one line at a time; sometimes a pipelined batch (RFC 2449), answered in order.
    const batch = lines.slice(next, next + (random.chance(0.8) ? 1 : random.int(2, 5))).map((line) => line.replace(/\{apop\}/g, digest));
    next += batch.length;
    const joined = batch.join('');
    exchange.sent += joined;
    await client.send(random, joined);
    for (const line of batch) {
      exchange.lines += 1;
      const answer = await answerTo(client, withoutEnding(line), inSasl, exchange);
      if (answer === 'ended') {
        exchange.ended = true;
        return;
      }
      inSasl = answer === 'challenge';
    }
  }
}

/** Reads and checks the answer to one line. */
async function answerTo(client: LineClient, line: string, inSasl: boolean, exchange: Exchange): Promise<'answer' | 'challenge' | 'ended'> {
  const status = await client.line();
  if (status === 'closed') {
    // Only an -ERR (or QUIT's +OK) may be the last word; a silent close after a +OK is a failure.
    if (!exchange.last.startsWith('-ERR')) exchange.problems.push(`closed without answering ${JSON.stringify(line.slice(0, 100))} (after ${JSON.stringify(exchange.last)})`);
    return 'ended';
  }
  if (status === 'silent') {
    exchange.problems.push(`no answer to ${JSON.stringify(line.slice(0, 100))} within the hang timer`);
    return 'ended';
  }
  const command = inSasl ? undefined : parseCommandLine(Buffer.from(line, 'latin1'));
  if (CHALLENGE.test(status) && (inSasl || command?.name === 'AUTH')) {
    count(exchange.responses, '+');
    return 'challenge';
  }
  if (!STATUS.test(status)) {
    exchange.problems.push(`malformed status line ${JSON.stringify(status.slice(0, 200))} for ${JSON.stringify(line.slice(0, 100))}`);
    return 'ended';
  }
  const ok = status.startsWith('+OK');
  exchange.last = status;
  count(exchange.responses, ok ? '+OK' : '-ERR');
  if (ok && command && (MULTI_ALWAYS.has(command.name) || (MULTI_WITHOUT_ARGUMENT.has(command.name) && command.args.length === 0))) {
    const problem = await multiLineProblem(client, status);
    if (problem) {
      exchange.problems.push(`${command.name}: ${problem}`);
      return 'ended';
    }
  }
  if (ok && command?.name === 'DELE') exchange.deleted = true;
  if (ok && command?.name === 'RSET') exchange.deleted = false;
  if (ok && command?.name === 'QUIT') {
    exchange.committed = exchange.deleted;
    return 'ended';
  }
  return 'answer';
}

/** Reads a dot-terminated body; checks dot-stuffing and, for RETR, the announced octet count. */
async function multiLineProblem(client: LineClient, status: string): Promise<string | undefined> {
  const announced = /^\+OK (\d+) octets/.exec(status);
  let octets = 0;
  for (;;) {
    const line: Read<string> = await client.line();
    if (line === 'closed' || line === 'silent') return `body ended without the "." line (${line})`;
    if (line === '.') break;
    if (line.endsWith('<bare LF>')) return 'bare LF in a body';
    if (line.startsWith('.') && !line.startsWith('..')) return `line not dot-stuffed: ${JSON.stringify(line.slice(0, 80))}`;
    octets += line.length + 2;
    if (!announced && unprintable(line)) return `unprintable listing line ${JSON.stringify(line.slice(0, 80))}`;
  }
  if (announced && Number(announced[1]) !== octets) return `announced ${announced[1]} octets, sent ${octets}`;
  return undefined;
}
