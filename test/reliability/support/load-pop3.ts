// One POP3 session of the load test: log in (USER/PASS, or APOP for the
// user in the password file), STAT, LIST and UIDL that agree, RETR of a
// random message and TOP of another, both as stored, then RETR and DELE of
// the messages IMAP sessions appended for POP3 to take, and QUIT. While
// another session holds INBOX the login gets -ERR [IN-USE] and the server
// closes: counted as contention.
import { createHash } from 'node:crypto';
import type { ScriptClient } from '../../helpers/client';
import { messageIdOf } from './load-ledger';
import { LoadError } from './load-figures';
import { HANG_MS, chance, connectFor, expectLine, pick, type SessionPlan } from './load-session';

/** How many offered messages one session takes at most. */
const TAKE = 5;

class PopLoadSession {
  constructor(
    private readonly client: ScriptClient,
    private readonly plan: SessionPlan,
  ) {}

  /** Sends a command; its status line, which must be +OK unless `refusable` matches. */
  async ask(command: string, label: string, refusable?: RegExp): Promise<string> {
    this.plan.figures.commands += 1;
    this.client.send(command);
    const status = await expectLine(this.client, label);
    if (status.startsWith('+OK')) return status;
    if (refusable?.test(status)) return status;
    throw new LoadError(`${label}: ${status.slice(0, 200)}`);
  }

  /** The lines of a multi-line answer, dot-unstuffed, without the final dot. */
  async multiline(label: string): Promise<string[]> {
    const lines: string[] = [];
    for (let line = await expectLine(this.client, label); line !== '.'; line = await expectLine(this.client, label)) {
      lines.push(line.startsWith('.') ? line.slice(1) : line);
    }
    return lines;
  }

  /**
   * RETR: exactly the announced octets (as sent, dots stuffed), then the
   * dot; unstuffed, they must be the stored message, of LIST's size (§11).
   */
  async retrieve(number: number, listed: number): Promise<string> {
    const status = await this.ask(`RETR ${number}`, 'RETR');
    const announced = Number(/^\+OK (\d+) octets$/.exec(status)?.[1] ?? NaN);
    if (!Number.isInteger(announced)) throw new LoadError(`RETR ${number}: ${status}`);
    let wire: Buffer;
    try {
      wire = await this.client.bytes(announced, HANG_MS);
    } catch (error) {
      throw new LoadError(`RETR ${number}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const end = await expectLine(this.client, 'RETR');
    if (end !== '.') throw new LoadError(`RETR ${number}: after ${announced} octets came ${end.slice(0, 80)}, not the dot`);
    const message = Buffer.from(wire.toString('latin1').replace(/(^|\r\n)\./g, '$1'), 'latin1');
    const id = messageIdOf(message.toString('latin1'));
    const stored = id === undefined ? undefined : this.plan.ledger.text(id);
    if (!id || !stored) throw new LoadError(`RETR ${number}: a message nobody stored (${id})`);
    if (message.length !== listed) throw new LoadError(`RETR ${number}: ${message.length} octets, but LIST said ${listed}`);
    if (!message.equals(stored)) throw new LoadError(`RETR ${number}: ${id} differs from what was stored`);
    this.plan.figures.fetched += 1;
    return id;
  }
}

function apopDigest(greeting: string, password: string): string | undefined {
  const timestamp = /<[^>]+>/.exec(greeting)?.[0];
  return timestamp && createHash('md5').update(timestamp + password).digest('hex');
}

/** `n value` lines of LIST or UIDL, by message number. */
function numbered(lines: readonly string[], label: string): Map<number, string> {
  const entries = new Map<number, string>();
  for (const line of lines) {
    const match = /^(\d+) (\S+)$/.exec(line);
    if (!match) throw new LoadError(`${label}: bad line ${line.slice(0, 80)}`);
    entries.set(Number(match[1]), match[2] ?? '');
  }
  return entries;
}

export async function pop3Session(plan: SessionPlan, apop: boolean): Promise<void> {
  const { figures, ledger, user } = plan;
  figures.popSessions += 1;
  const client = await connectFor(plan);
  const session = new PopLoadSession(client, plan);
  const taken = new Map<string, string>();
  try {
    const greeting = await expectLine(client, 'greeting');
    if (!greeting.startsWith('+OK')) throw new LoadError(`greeting: ${greeting}`);
    if (plan.transport === 'starttls') {
      await session.ask('STLS', 'STLS');
      await client.startTls();
    }
    const digest = apop ? apopDigest(greeting, plan.password) : undefined;
    if (apop && !digest) throw new LoadError(`APOP: no timestamp in ${greeting}`);
    if (digest) figures.apopLogins += 1;
    else await session.ask(`USER ${user}`, 'USER');
    const login = await session.ask(digest ? `APOP ${user} ${digest}` : `PASS ${plan.password}`, digest ? 'APOP' : 'PASS', /^-ERR \[(IN-USE|SYS\/TEMP)\] Cannot open your mailbox: /);
    if (login.startsWith('-ERR')) {
      if (login.startsWith('-ERR [IN-USE]')) figures.inUse += 1;
      else figures.lockTimeouts += 1;
      await client.closedByServer(HANG_MS);
      return;
    }

    const stat = /^\+OK (\d+) (\d+)$/.exec(await session.ask('STAT', 'STAT'));
    if (!stat) throw new LoadError(`STAT: ${client.transcript.at(-1)}`);
    await session.ask('LIST', 'LIST');
    const sizes = numbered(await session.multiline('LIST'), 'LIST');
    await session.ask('UIDL', 'UIDL');
    const uidls = numbered(await session.multiline('UIDL'), 'UIDL');
    const total = [...sizes.values()].reduce((sum, size) => sum + Number(size), 0);
    if (sizes.size !== Number(stat[1]) || uidls.size !== sizes.size || total !== Number(stat[2])) {
      throw new LoadError(`STAT ${stat[1]} ${stat[2]}, but LIST has ${sizes.size} messages of ${total} octets and UIDL ${uidls.size}`);
    }
    if (sizes.size === 0) throw new LoadError('the maildrop is empty: the seeds are gone');

    const some = pick([...sizes.keys()]);
    await session.retrieve(some, Number(sizes.get(some)));
    if (chance(0.5)) {
      const other = pick([...sizes.keys()]);
      await session.ask(`TOP ${other} 0`, 'TOP');
      const id = messageIdOf((await session.multiline('TOP')).join('\r\n'));
      if (!id || !ledger.text(id)) throw new LoadError(`TOP ${other}: a message nobody stored (${id})`);
    }
    for (const [number, uidl] of uidls) {
      if (taken.size >= TAKE) break;
      const offered = ledger.offeredToPop(user, uidl);
      if (!offered) continue;
      if ((await session.retrieve(number, Number(sizes.get(number)))) !== offered) throw new LoadError(`UIDL ${uidl} is not ${offered}`);
      taken.set(uidl, offered);
      await session.ask(`DELE ${number}`, 'DELE');
    }
    // A lock not obtained for the deletions leaves them all undone.
    const quit = await session.ask('QUIT', 'QUIT', /^-ERR \[SYS\/TEMP\] Some deleted messages were not removed: Mailbox temporarily unavailable/);
    await client.closedByServer(HANG_MS);
    if (quit.startsWith('-ERR')) {
      figures.lockTimeouts += 1;
      return;
    }
    for (const [uidl, id] of taken) {
      ledger.takenByPop(user, uidl);
      ledger.add(user, 'INBOX', id, -1);
      figures.popDeleted += 1;
    }
  } catch (error) {
    ledger.doubt(taken.values());
    throw error;
  } finally {
    client.close();
  }
}
