// What an IMAP fuzz session sends. Three kinds:
//  - mutated: recorded sessions (the protocol scripts and the shared
//    fixture session) with some commands mutated, dropped, repeated or
//    moved, and commands of other states spliced in; sent pipelined in
//    random-sized chunks;
//  - random: random bytes or a soup of IMAP tokens, pipelined;
//  - lockstep: valid commands in random order, so many in the wrong state
//    (before login, after SELECT was dropped, in IDLE, after the selected
//    mailbox was deleted), each sent only after the previous was answered;
//    every one must get its tagged answer before the hang timer fires.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../../../bench/random';
import { FIXTURES } from '../../helpers/paths';
import { parseScript } from '../../protocol/imap/script';
import { FOLDER, PAM_PASSWORD, PAM_USER, VIRTUAL_PASSWORD, VIRTUAL_USER, type InboxKind } from './mail-area';
import { literal, mutate, mutateFramed, WEIRD_NUMBERS, EIGHT_BIT } from './mutate';

/** How the session gets (or does not get) past authentication. */
export type ImapLogin = 'preauth' | 'password' | 'pam' | 'none';

export interface ImapPlan {
  /** lockstep: valid commands; framed: mutated commands that stay one line each, also sent in lockstep. */
  readonly kind: 'mutated' | 'random' | 'lockstep' | 'framed';
  readonly login: ImapLogin;
  readonly inbox: InboxKind;
  /** Whole commands (with their literals), latin1. */
  readonly commands: readonly string[];
  readonly mutations: readonly string[];
}

const SCRIPTS = join(__dirname, '..', '..', 'protocol', 'imap', 'scripts');

/** Splits a client stream into commands: a line, plus any literal it announces and the line that continues it. */
function splitCommands(stream: string): string[] {
  const commands: string[] = [];
  let start = 0;
  let cursor = 0;
  while (cursor < stream.length) {
    const end = stream.indexOf('\n', cursor);
    if (end < 0) {
      commands.push(stream.slice(start));
      return commands;
    }
    const line = stream.slice(cursor, end).replace(/\r$/, '');
    const announced = /~?\{(\d+)\+?\}$/.exec(line);
    cursor = end + 1;
    if (announced) {
      cursor += Number(announced[1]);
      continue;
    }
    commands.push(stream.slice(start, cursor));
    start = cursor;
  }
  if (start < stream.length) commands.push(stream.slice(start));
  return commands;
}

function loginCommand(login: ImapLogin): string | undefined {
  if (login === 'password') return `L1 LOGIN ${VIRTUAL_USER} ${VIRTUAL_PASSWORD}\r\n`;
  if (login === 'pam') return `L1 LOGIN ${PAM_USER} "${PAM_PASSWORD}"\r\n`;
  return undefined;
}

const MESSAGE = 'From: Fuzz <fuzz@example.org>\r\nSubject: appended\r\n\r\nbody line\r\n';

/** Valid commands of every state, as templates ({{msg}} becomes a LITERAL+ message). */
const VALID = [
  'CAPABILITY', 'NOOP', 'ID NIL', 'ID ("name" "fuzz" "version" "1")', 'NAMESPACE', 'ENABLE CONDSTORE', 'STARTTLS',
  `LOGIN ${VIRTUAL_USER} ${VIRTUAL_PASSWORD}`, `LOGIN ${VIRTUAL_USER} wrong`, 'LOGIN nosuchuser x', 'AUTHENTICATE PLAIN', 'AUTHENTICATE CRAM-MD5',
  `AUTHENTICATE PLAIN ${Buffer.from(`\0${VIRTUAL_USER}\0${VIRTUAL_PASSWORD}`).toString('base64')}`, 'AUTHENTICATE PLAIN =', 'AUTHENTICATE X-NOPE',
  'SELECT INBOX', `SELECT ${FOLDER}`, 'EXAMINE INBOX', `EXAMINE ${FOLDER}`, 'SELECT nosuch', 'SELECT ""',
  'CREATE new1', 'CREATE dir/', 'CREATE dir/sub', 'CREATE mbox', 'DELETE new1', `DELETE ${FOLDER}`, 'DELETE dir', 'DELETE INBOX',
  `RENAME ${FOLDER} renamed`, 'RENAME INBOX old-inbox', `RENAME new1 ${FOLDER}`, 'RENAME dir other-dir',
  `SUBSCRIBE ${FOLDER}`, 'UNSUBSCRIBE INBOX', 'LIST "" *', 'LIST "" %', 'LIST "" INBOX', 'LSUB "" *', 'LIST (SUBSCRIBED) "" *',
  'STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)', `STATUS ${FOLDER} (MESSAGES)`,
  'APPEND INBOX {{msg}}', `APPEND ${FOLDER} (\\Seen $Junk) "01-Jan-2024 10:00:00 +0000" {{msg}}`, 'APPEND INBOX (\\Flagged) {{msg}} {{msg}}',
  'APPEND nosuch {{msg}}',
  'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'UID EXPUNGE 1:3',
  'SEARCH ALL', 'SEARCH UNSEEN', 'SEARCH TEXT hello', 'UID SEARCH 1:*', 'SEARCH OR FROM alice NOT DELETED', 'SEARCH RETURN (MIN MAX COUNT) ALL',
  'SEARCH CHARSET UTF-8 SUBJECT "caf\xc3\xa9"', 'SEARCH LARGER 100 SMALLER 100000 SINCE 1-Jan-2000', 'SEARCH HEADER Message-ID "<"',
  'FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)', 'FETCH 1 BODY[]', 'FETCH 1:3 BODY.PEEK[HEADER.FIELDS (From Subject)]',
  'FETCH 2 BODY[1.MIME]', 'FETCH 1:* BINARY.PEEK[1]', 'FETCH 1 BODY[]<0.10>', 'FETCH * FAST', 'FETCH 1,3 ALL', 'FETCH 1 FULL', 'UID FETCH 1:* FLAGS',
  'FETCH 1 RFC822', 'FETCH 1 (RFC822.HEADER RFC822.TEXT)', 'FETCH 1 BINARY.SIZE[1]', 'FETCH 1:* BODY.PEEK[TEXT]<5.20>',
  'STORE 1 +FLAGS (\\Deleted)', 'STORE 1:* -FLAGS (\\Seen)', 'STORE 2 FLAGS (\\Answered $Junk)', 'UID STORE 1:* +FLAGS.SILENT (\\Flagged)',
  `COPY 1:2 ${FOLDER}`, 'COPY 1 INBOX', `UID COPY 1:* ${FOLDER}`, `MOVE 1 ${FOLDER}`, `UID MOVE 2 ${FOLDER}`, 'COPY 1 nosuch',
  'SORT (DATE) UTF-8 ALL', 'SORT (REVERSE SUBJECT) US-ASCII ALL', 'THREAD REFERENCES UTF-8 ALL', 'THREAD ORDEREDSUBJECT US-ASCII ALL', 'UID SORT (ARRIVAL) UTF-8 ALL',
  'IDLE',
];

/** Tokens spliced in by mutations. */
export const IMAP_DICTIONARY: readonly string[] = [
  ...WEIRD_NUMBERS, ...EIGHT_BIT,
  'NIL', '""', '"\\"', '"a\\', '"\\x"', '()', '(', ')', '[', ']', '\\Seen', '\\Recent', '\\*', '\\Deleted', '$Forwarded', 'BODY[', 'BODY[]<0.>',
  'BODY[1.2.3.4.5.6.7.8.9.10]', 'BODY[0]', 'BINARY[0]', 'BINARY[1]<0.4294967296>', 'HEADER.FIELDS.NOT', 'HEADER.FIELDS ()', 'CHARSET', 'X-UNKNOWN',
  '&AGEAYQ-', '&Jjo!', '&-', '&', '~root', '~', '../etc/passwd', '/etc/passwd', 'INBOX/../..', '#news.', '%', '*', 'INBOX', 'inbox', FOLDER, 'mbox',
  '.mailboxlist', 'x.lock', '"01-Jan-2024 10:00:00 +0000"', '"31-Feb-1999 25:61:61 +9999"', '"1-Jan-0000 00:00:00 -9999"', '29-Feb-2023', '1-Jan-1',
  '{0}\r\n', '{0+}\r\n', '{5+}\r\nhello', '~{3}\r\n\0\0\0', 'DONE', 'UID', 'FETCH', 'SEARCH', 'OR', 'NOT', 'ALL', 'RETURN', '(MIN MAX)', 'ANSWERED',
  'MESSAGES', 'UIDNEXT', '(SUBSCRIBED RECURSIVEMATCH)', 'UTF-8', 'US-ASCII', 'ISO-2022-JP', 'REFERENCES', 'ORDEREDSUBJECT', 'REVERSE', '=', 'PLAIN',
  'AGZ1enplcgBmdXp6LXBhc3M=', '=====', ...VALID,
];

function expand(template: string): string {
  return template.replace(/\{\{msg\}\}/g, () => literal(MESSAGE, MESSAGE.length, true));
}

/** A valid command (LITERAL+ literals only), tagged, with CRLF. */
function validCommand(random: Random, tag: string): string {
  return `${tag} ${expand(random.pick(VALID))}\r\n`;
}

function loadSeeds(): string[][] {
  const seeds: string[][] = [];
  for (const name of readdirSync(SCRIPTS).filter((file) => file.endsWith('.imap')).sort()) {
    seeds.push(splitCommands(parseScript(readFileSync(join(SCRIPTS, name), 'utf8')).input.toString('latin1')));
  }
  // The shared fixture session is LF-ended: as a client would send it, with CRLF.
  seeds.push(splitCommands(readFileSync(join(FIXTURES, 'session.imap'), 'latin1').replace(/\r?\n/g, '\r\n')));
  return seeds;
}

let seedCache: string[][] | undefined;

function imapSeeds(): readonly (readonly string[])[] {
  seedCache ??= loadSeeds();
  return seedCache;
}

function pickLogin(random: Random, allowPam: boolean): ImapLogin {
  const roll = random.float();
  if (roll < 0.6) return 'preauth';
  if (roll < 0.78) return 'password';
  if (roll < 0.84 && allowPam) return 'pam';
  return 'none';
}

function mutatedSession(random: Random, login: ImapLogin, inbox: InboxKind): ImapPlan {
  const seeds = imapSeeds();
  const seed = random.pick(seeds);
  const commands: string[] = [];
  const mutations: string[] = [];
  const rate = random.pick([0.05, 0.15, 0.3, 0.6]);
  let tag = 0;
  for (const original of seed) {
    const roll = random.float();
    if (roll < 0.05) {
      mutations.push('drop');
      continue;
    }
    let command = original;
    if (random.chance(rate)) {
      const result = mutate(random, command, IMAP_DICTIONARY);
      command = result.text;
      mutations.push(...result.applied);
    }
    commands.push(command);
    if (random.chance(0.04)) {
      commands.push(random.chance(0.5) ? command : random.pick(random.pick(seeds)));
      mutations.push('repeat');
    }
    if (random.chance(0.08)) {
      commands.push(validCommand(random, `w${tag++}`));
      mutations.push('splice');
    }
  }
  if (random.chance(0.1) && commands.length > 2) {
    const a = random.int(0, commands.length - 1);
    const b = random.int(0, commands.length - 1);
    [commands[a], commands[b]] = [commands[b] ?? '', commands[a] ?? ''];
    mutations.push('reorder');
  }
  return finishPlan('mutated', login, inbox, commands, mutations, random);
}

function randomSession(random: Random, login: ImapLogin, inbox: InboxKind): ImapPlan {
  const commands: string[] = [];
  if (random.chance(0.4)) {
    commands.push(random.bytes(random.logUniform(1, 70000)).toString('latin1'));
    return finishPlan('random', login, inbox, commands, ['bytes'], random);
  }
  const count = random.int(1, 30);
  for (let index = 0; index < count; index++) {
    const words = Array.from({ length: random.int(0, 8) }, () => random.pick(IMAP_DICTIONARY));
    const tag = random.chance(0.9) ? `r${index}` : random.pick(['*', '+', '', '"t"', '{1}', 't\xff', 'a)b', '\0']);
    commands.push(`${tag} ${words.join(random.chance(0.9) ? ' ' : '')}${random.pick(['\r\n', '\r\n', '\r\n', '\n', ''])}`);
  }
  return finishPlan('random', login, inbox, commands, ['tokens'], random);
}

const OPEN = ['SELECT INBOX', 'SELECT INBOX', `SELECT ${FOLDER}`, 'EXAMINE INBOX'];

function lockstepSession(random: Random, login: ImapLogin, inbox: InboxKind): ImapPlan {
  const count = random.int(3, 25);
  // Mostly with a mailbox selected (and now and then selected again), so the
  // commands of the selected state run too, not only their refusals.
  const commands = Array.from({ length: count }, (_, index) =>
    (index === 0 && random.chance(0.7)) || random.chance(0.08) ? `s${index} ${random.pick(OPEN)}\r\n` : validCommand(random, `s${index}`));
  const mutations = ['valid'];
  return { kind: 'lockstep', login, inbox, commands: withLogin(login, commands), mutations };
}

/** Lockstep, with some of the commands mutated but kept one line each: each must still be answered. */
function framedSession(random: Random, login: ImapLogin, inbox: InboxKind): ImapPlan {
  const plan = lockstepSession(random, login, inbox);
  const mutations: string[] = [];
  const commands = plan.commands.map((command) => {
    if (command.includes('{') || !random.chance(0.4)) return command;
    const result = mutateFramed(random, command, IMAP_DICTIONARY);
    mutations.push(...result.applied);
    return result.text;
  });
  return { ...plan, kind: 'framed', commands, mutations };
}

function withLogin(login: ImapLogin, commands: readonly string[]): string[] {
  const first = loginCommand(login);
  return first === undefined ? [...commands] : [first, ...commands];
}

function finishPlan(kind: ImapPlan['kind'], login: ImapLogin, inbox: InboxKind, commands: string[], mutations: string[], random: Random): ImapPlan {
  if (random.chance(0.4)) commands.push('zz LOGOUT\r\n');
  return { kind, login, inbox, commands: withLogin(login, commands), mutations };
}

/** The plan for one session; `allowPam` is false where PAM's failure delays would cost too much. */
export function imapPlan(random: Random, allowPam: boolean): ImapPlan {
  const login = pickLogin(random, allowPam);
  const inbox: InboxKind = random.chance(0.1) ? 'corpus' : 'small';
  const roll = random.float();
  if (roll < 0.55) return mutatedSession(random, login, inbox);
  if (roll < 0.72) return randomSession(random, login, inbox);
  if (roll < 0.86) return lockstepSession(random, login, inbox);
  return framedSession(random, login, inbox);
}
