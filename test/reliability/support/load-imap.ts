// One IMAP session of the load test: log in, read INBOX (every seed there,
// no Message-ID twice, every byte as stored), search, append to INBOX and to
// a folder, copy, set \Seen, move and expunge only what this session
// appended, sometimes tidy its folder message, log out. A session that got
// INBOX read-only still tries the changes and must get a clean NO.
import type { ScriptClient } from '../../helpers/client';
import { makeMessage, messageIdOf, type Folder, type Purpose, type TrackedMessage } from './load-ledger';
import { LoadError } from './load-figures';
import { HANG_MS, chance, connectFor, expectLine, pick, uidlOf, type SessionPlan } from './load-session';

interface Answer {
  readonly lines: readonly string[];
  readonly tagged: string;
}

/** 'ok': the command must work. 'may-refuse': on a read-only mailbox a clean NO is contention. */
type Expectation = 'ok' | 'may-refuse';

class ImapLoadSession {
  private tags = 0;
  readOnly = false;
  /** Message-IDs this session handles: in doubt if it fails. */
  readonly touched = new Set<string>();

  constructor(
    private readonly client: ScriptClient,
    private readonly plan: SessionPlan,
  ) {}

  /** The session so far, for a failure report (long lines cut). */
  transcript(): string {
    return this.client.transcript.map((line) => line.slice(0, 160)).join(' | ');
  }

  /**
   * Sends a command and checks the answer's shape. Returns undefined when
   * the server refused it for contention (counted), throws on anything else.
   */
  async ask(command: string | Buffer, label: string, expectation: Expectation = 'ok'): Promise<Answer | undefined> {
    const tag = `L${++this.tags}`;
    this.plan.figures.commands += 1;
    this.client.write(typeof command === 'string' ? `${tag} ${command}\r\n` : Buffer.concat([Buffer.from(`${tag} `), command]));
    let lines: string[];
    try {
      lines = await this.client.until(tag, HANG_MS);
    } catch (error) {
      throw new LoadError(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const tagged = lines.at(-1) ?? '';
    for (const line of lines.slice(0, -1)) {
      if (!line.startsWith('* ')) throw new LoadError(`${label}: not an untagged answer: ${line.slice(0, 200)}`);
      if (/^\* (NO|BAD)\b/.test(line) || (/^\* BYE\b/.test(line) && label !== 'LOGOUT')) throw new LoadError(`${label}: ${line.slice(0, 200)}`);
    }
    const status = /^\S+ (OK|NO|BAD)\b/.exec(tagged)?.[1];
    if (status === 'OK') return { lines, tagged };
    if (status === 'NO' && /^\S+ NO \[EXPUNGEISSUE\]/.test(tagged) && /FETCH/.test(label)) {
      this.plan.figures.expungeIssues += 1;
      return { lines, tagged };
    }
    if (status === 'NO' && /\[INUSE\]/.test(tagged)) {
      this.plan.figures.inUse += 1;
      return undefined;
    }
    if (status === 'NO' && /^\S+ NO \[UNAVAILABLE\] .*is locked by another process$/.test(tagged)) {
      this.plan.figures.lockTimeouts += 1;
      return undefined;
    }
    if (status === 'NO' && expectation === 'may-refuse' && this.readOnly && !/\[SERVERBUG\]/.test(tagged)) {
      this.plan.figures.readOnlyRefusals += 1;
      return undefined;
    }
    throw new LoadError(`${label}${this.readOnly ? ' (read-only)' : ''}: ${tagged.slice(0, 200)}`);
  }

  /** APPENDs with a LITERAL+ literal; the new message's UID (APPENDUID) once stored. */
  async append(folder: Folder, purpose: Purpose): Promise<{ message: TrackedMessage; uid: number; uidValidity: number } | undefined> {
    const { ledger, figures, user } = this.plan;
    const message = makeMessage(user, purpose);
    ledger.know(message);
    this.touched.add(message.id);
    const flags = purpose === 'keep' ? '(\\Flagged) ' : '';
    const command = Buffer.concat([Buffer.from(`APPEND ${folder} ${flags}{${message.text.length}+}\r\n`), message.text, Buffer.from('\r\n')]);
    const answer = await this.ask(command, `APPEND ${folder}`);
    if (!answer) return undefined;
    const appended = /\[APPENDUID (\d+) (\d+)\]/.exec(answer.tagged);
    if (!appended) throw new LoadError(`APPEND ${folder}: no APPENDUID in ${answer.tagged}`);
    ledger.add(user, folder, message.id, 1);
    figures.appended += 1;
    return { message, uidValidity: Number(appended[1]), uid: Number(appended[2]) };
  }

  /**
   * UID and Message-ID of every message (undefined when refused for
   * contention); a Message-ID twice or one nobody stored is an error.
   */
  async inventory(folder: Folder): Promise<Map<string, number> | undefined> {
    const answer = await this.ask('UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])', `FETCH headers of ${folder}`);
    if (!answer) return undefined;
    // By sequence number, as the answer goes: an EXPUNGE after the FETCH lines removes one.
    const messages: Array<{ readonly id: string; readonly uid: number }> = [];
    for (const line of answer.lines) {
      const expunged = /^\* (\d+) EXPUNGE$/.exec(line);
      if (expunged) messages.splice(Number(expunged[1]) - 1, 1);
      // Other FETCH lines are flag changes made by other sessions.
      const fetched = /^\* (\d+) FETCH .*BODY\[HEADER\.FIELDS/.exec(line);
      if (!fetched) continue;
      const uid = Number(/\bUID (\d+)/.exec(line)?.[1]);
      const id = messageIdOf(line);
      if (!id || !uid) throw new LoadError(`FETCH headers of ${folder}: no UID or Message-ID in ${line.slice(0, 200)}`);
      if (!this.plan.ledger.text(id)) throw new LoadError(`${folder}: a message nobody stored: ${id}`);
      messages[Number(fetched[1]) - 1] = { id, uid };
    }
    const uids = new Map<string, number>();
    for (const { id, uid } of messages) {
      if (folder === 'INBOX' && uids.has(id)) throw new LoadError(`INBOX holds ${id} twice`);
      uids.set(id, uid);
    }
    return uids;
  }

  /**
   * Fetches a whole message and compares it with what was stored. Another
   * session may have expunged it meanwhile: then the answer reports the
   * EXPUNGE, or ends NO [EXPUNGEISSUE] (both counted), and carries no body.
   */
  async fetchAndCompare(uid: number, id: string, peek: boolean): Promise<void> {
    const item = peek ? 'BODY.PEEK[]' : 'BODY[]';
    const answer = await this.ask(`UID FETCH ${uid} ${item}`, `FETCH ${item}`);
    if (!answer) return;
    const line = answer.lines.find((entry) => new RegExp(`^\\* \\d+ FETCH \\(.*\\bUID ${uid}\\b.*BODY\\[\\] \\{`, 's').test(entry));
    if (!line && answer.lines.some((entry) => / EXPUNGE$/.test(entry))) {
      this.plan.figures.expungeIssues += 1;
      return;
    }
    if (/ NO \[EXPUNGEISSUE\]/.test(answer.tagged)) return;
    const literal = line ? /BODY\[\] \{(\d+)\}\r\n/.exec(line) : null;
    if (!line || !literal) throw new LoadError(`FETCH ${item} of UID ${uid}: no body in ${answer.lines.join(' | ').slice(0, 200)}`);
    const start = (literal.index ?? 0) + literal[0].length;
    const served = Buffer.from(line.slice(start, start + Number(literal[1])), 'latin1');
    if (!served.equals(this.plan.ledger.text(id) ?? Buffer.alloc(0))) throw new LoadError(`FETCH ${item}: ${id} differs from what was stored`);
    this.plan.figures.fetched += 1;
  }

}

export async function imapSession(plan: SessionPlan): Promise<void> {
  const { figures, ledger, user } = plan;
  figures.imapSessions += 1;
  const client = await connectFor(plan);
  const session = new ImapLoadSession(client, plan);
  try {
    if (!/^\* OK /.test(await expectLine(client, 'greeting'))) throw new LoadError(`greeting: ${client.transcript.at(-1)}`);
    if (plan.transport === 'starttls') {
      await session.ask('STARTTLS', 'STARTTLS');
      await client.startTls();
    }
    await session.ask(`LOGIN ${user} "${plan.password}"`, 'LOGIN');
    await work(session, plan);
    await session.ask('LOGOUT', 'LOGOUT');
    await client.closedByServer(HANG_MS);
  } catch (error) {
    ledger.doubt(session.touched);
    throw error;
  } finally {
    client.close();
  }
}

async function work(session: ImapLoadSession, plan: SessionPlan): Promise<void> {
  const { figures, ledger, user } = plan;
  // A SELECT or a first FETCH refused for contention ends the session politely.
  const selected = await session.ask('SELECT INBOX', 'SELECT INBOX');
  if (!selected) return;
  session.readOnly = /\[READ-ONLY\]/.test(selected.tagged);
  if (session.readOnly) figures.readOnlySelects += 1;

  const inbox = await session.inventory('INBOX');
  if (!inbox) return;
  for (const seed of plan.seeds) if (!inbox.has(seed)) throw new LoadError(`INBOX lost the seed ${seed}`);
  const [someId, someUid] = pick([...inbox.entries()]);
  await session.fetchAndCompare(someUid, someId, chance(0.5));
  const seed = pick(plan.seeds);
  const seedUid = inbox.get(seed) ?? 0;
  const found = await session.ask(`UID SEARCH HEADER Message-ID "${seed}"`, 'SEARCH HEADER');
  if (found && !found.lines.some((line) => new RegExp(`^\\* SEARCH( \\d+)* ${seedUid}\\b`).test(line))) throw new LoadError(`SEARCH did not find ${seed} (UID ${seedUid})`);
  await session.ask(chance(0.5) ? 'SEARCH UNSEEN' : 'SEARCH SUBJECT "load seed"', 'SEARCH');

  const self = await session.append('INBOX', 'self');
  const moving = await session.append('INBOX', 'move');
  if (chance(0.6)) {
    const forPop = await session.append('INBOX', 'pop');
    if (forPop) ledger.offerToPop(user, uidlOf(forPop.uidValidity, forPop.uid), forPop.message.id);
  }
  if (chance(0.2)) await session.append('INBOX', 'keep');
  const folderMessage = await session.append('Load', 'folder');
  if (await session.ask(`UID COPY ${seedUid} Load`, 'COPY')) {
    ledger.add(user, 'Load', seed, 1);
    figures.copied += 1;
  }
  await session.ask('NOOP', 'NOOP');
  await session.ask(`UID STORE ${seedUid} +FLAGS (\\Seen)`, 'STORE \\Seen', 'may-refuse');

  const moved = moving && (await session.ask(`UID MOVE ${moving.uid} Archive`, 'MOVE', 'may-refuse'));
  if (moving && moved) {
    if (!moved.lines.some((line) => /^\* \d+ EXPUNGE$/.test(line))) throw new LoadError(`UID MOVE ${moving.uid}: OK without an EXPUNGE response: ${session.transcript()}`);
    ledger.add(user, 'INBOX', moving.message.id, -1);
    ledger.add(user, 'Archive', moving.message.id, 1);
    figures.moved += 1;
  }
  if (self) await expungeOwn(session, plan, 'INBOX', self.message.id, self.uid);

  if (folderMessage && chance(0.4)) {
    const folder = await session.ask('SELECT Load', 'SELECT Load');
    if (!folder) return;
    session.readOnly = /\[READ-ONLY\]/.test(folder.tagged);
    if (session.readOnly) figures.readOnlySelects += 1;
    await session.fetchAndCompare(folderMessage.uid, folderMessage.message.id, true);
    await expungeOwn(session, plan, 'Load', folderMessage.message.id, folderMessage.uid);
  }
}

/** \Deleted and UID EXPUNGE of one message this session appended. */
async function expungeOwn(session: ImapLoadSession, plan: SessionPlan, folder: Folder, id: string, uid: number): Promise<void> {
  await session.ask(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`, 'STORE \\Deleted', 'may-refuse');
  const expunged = await session.ask(`UID EXPUNGE ${uid}`, 'UID EXPUNGE', 'may-refuse');
  if (!expunged) return;
  if (!expunged.lines.some((line) => /^\* \d+ EXPUNGE$/.test(line))) throw new LoadError(`UID EXPUNGE ${uid} in ${folder}: no EXPUNGE response`);
  plan.ledger.add(plan.user, folder, id, -1);
  plan.figures.expunged += 1;
}
