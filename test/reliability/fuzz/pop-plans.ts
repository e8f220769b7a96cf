// What a POP3 or POP2 fuzz session sends: recorded command sequences (as the
// protocol tests and real clients run them) with some lines mutated,
// dropped, repeated or swapped for commands of the other state; random
// bytes; and valid commands in random order. "{apop}" in a line stands for
// the APOP digest of the greeting the session gets.
import type { Random } from '../../../bench/random';
import { FOLDER, PAM_PASSWORD, PAM_USER, VIRTUAL_PASSWORD, VIRTUAL_USER } from './mail-area';
import { EIGHT_BIT, mutate, WEIRD_NUMBERS } from './mutate';

export type PopLogin = 'password' | 'apop' | 'pam' | 'none';

export interface PopPlan {
  readonly kind: 'mutated' | 'random' | 'valid';
  readonly login: PopLogin;
  /** The client's bytes, latin1, as lines with their endings (the last may have none). */
  readonly text: string;
  readonly mutations: readonly string[];
}

const plain = (user: string, password: string): string => Buffer.from(`\0${user}\0${password}`).toString('base64');

const POP3_LOGIN: Readonly<Record<PopLogin, readonly string[]>> = {
  password: [`USER ${VIRTUAL_USER}`, `PASS ${VIRTUAL_PASSWORD}`],
  apop: [`APOP ${VIRTUAL_USER} {apop}`],
  pam: [`USER ${PAM_USER}`, `PASS ${PAM_PASSWORD}`],
  none: [],
};

const POP3_SEEDS: readonly (readonly string[])[] = [
  ['STAT', 'LIST', 'UIDL', 'RETR 1', 'TOP 2 0', 'DELE 1', 'LIST 1', 'LIST 2', 'RSET', 'NOOP', 'LAST', 'QUIT'],
  ['CAPA', 'STAT', 'UIDL', 'TOP 1 5', 'TOP 3 100', 'RETR 2', 'RETR 9', 'DELE 2', 'DELE 2', 'STAT', 'QUIT'],
  ['CAPA', 'AUTH', `AUTH PLAIN ${plain(VIRTUAL_USER, VIRTUAL_PASSWORD)}`, 'STAT', 'LIST', 'QUIT'],
  ['AUTH PLAIN', plain(VIRTUAL_USER, VIRTUAL_PASSWORD), 'UIDL 1', 'RETR 3', 'QUIT'],
  ['AUTH CRAM-MD5', '*', 'AUTH LOGIN', Buffer.from(VIRTUAL_USER).toString('base64'), Buffer.from(VIRTUAL_PASSWORD).toString('base64'), 'LIST', 'QUIT'],
  ['USER nosuch', 'PASS wrong', 'USER x', 'PASS y', 'USER z', 'PASS w', 'STAT'],
  ['STLS', 'CAPA', 'NOOP', 'QUIT'],
  ['LIST', 'UIDL', 'RETR 1', 'RETR 2', 'RETR 3', 'RETR 4', 'RETR 5', 'DELE 1', 'DELE 3', 'QUIT'],
];

const POP3_VALID = [
  'CAPA', 'STAT', 'LIST', 'LIST 1', 'LIST 0', 'LIST 99', 'UIDL', 'UIDL 2', 'RETR 1', 'RETR 2', 'RETR 99', 'TOP 1 0', 'TOP 2 3', 'DELE 1', 'DELE 3',
  'RSET', 'NOOP', 'LAST', 'STLS', 'AUTH', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH CRAM-MD5', `AUTH PLAIN ${plain(VIRTUAL_USER, VIRTUAL_PASSWORD)}`,
  `USER ${VIRTUAL_USER}`, `PASS ${VIRTUAL_PASSWORD}`, 'PASS wrong', `APOP ${VIRTUAL_USER} {apop}`, `APOP ${VIRTUAL_USER} 00000000000000000000000000000000`, 'QUIT', '',
];

const POP3_DICTIONARY: readonly string[] = [...WEIRD_NUMBERS, ...EIGHT_BIT, ...POP3_VALID, '*', '=', '.', '..', '+OK', '-ERR', 'AGZ1enplcgBmdXp6LXBhc3M='];

const POP2_VALID = [
  `HELO ${VIRTUAL_USER} ${VIRTUAL_PASSWORD}`, `FOLD ${FOLDER}`, 'FOLD INBOX', 'FOLD nosuch', 'FOLD ../x', 'READ', 'READ 1', 'READ 3', 'READ 99', 'RETR',
  'ACKS', 'ACKD', 'NACK', 'QUIT',
];

const POP2_DICTIONARY: readonly string[] = [...WEIRD_NUMBERS, ...EIGHT_BIT, ...POP2_VALID, FOLDER, 'INBOX', '~root', '/etc/passwd'];

function lineEnd(random: Random): string {
  return random.chance(0.97) ? '\r\n' : random.pick(['\n', '\r', '', '\r\r\n']);
}

function mutateLines(random: Random, lines: readonly string[], valid: readonly string[], dictionary: readonly string[], rate: number): { text: string; mutations: string[] } {
  const out: string[] = [];
  const mutations: string[] = [];
  for (const line of lines) {
    if (random.chance(0.05)) {
      mutations.push('drop');
      continue;
    }
    let text = `${line}\r\n`;
    if (random.chance(rate)) {
      const result = mutate(random, text, dictionary);
      text = result.text;
      mutations.push(...result.applied);
    }
    out.push(text);
    if (random.chance(0.06)) {
      out.push(`${random.pick(valid)}${lineEnd(random)}`);
      mutations.push('splice');
    }
  }
  return { text: out.join(''), mutations };
}

function randomText(random: Random, dictionary: readonly string[]): string {
  if (random.chance(0.4)) return random.bytes(random.logUniform(1, 5000)).toString('latin1');
  return Array.from({ length: random.int(1, 20) }, () => {
    const words = Array.from({ length: random.int(0, 4) }, () => random.pick(dictionary));
    return `${words.join(' ')}${lineEnd(random)}`;
  }).join('');
}

function popLogin(random: Random, allowPam: boolean): PopLogin {
  const roll = random.float();
  if (roll < 0.55) return 'password';
  if (roll < 0.7) return 'apop';
  if (roll < 0.76 && allowPam) return 'pam';
  return 'none';
}

export function pop3Plan(random: Random, allowPam: boolean): PopPlan {
  const login = popLogin(random, allowPam);
  const prefix = POP3_LOGIN[login].map((line) => `${line}\r\n`).join('');
  const roll = random.float();
  if (roll < 0.6) {
    const { text, mutations } = mutateLines(random, random.pick(POP3_SEEDS), POP3_VALID, POP3_DICTIONARY, random.pick([0.1, 0.25, 0.5]));
    return { kind: 'mutated', login, text: prefix + text, mutations };
  }
  if (roll < 0.8) return { kind: 'random', login, text: prefix + randomText(random, POP3_DICTIONARY), mutations: ['random'] };
  const lines = Array.from({ length: random.int(3, 20) }, () => `${random.pick(POP3_VALID)}\r\n`);
  return { kind: 'valid', login, text: prefix + lines.join(''), mutations: ['valid'] };
}

/** A POP2 client's usual walk: read, retrieve, acknowledge, now and then another folder. */
function pop2Walk(random: Random): string[] {
  const lines: string[] = [];
  for (let step = random.int(1, 12); step > 0; step--) {
    const roll = random.float();
    if (roll < 0.1) lines.push(random.pick([`FOLD ${FOLDER}`, 'FOLD INBOX']));
    else if (roll < 0.25) lines.push(random.pick(['READ', `READ ${random.int(1, 6)}`]));
    else lines.push('RETR', random.pick(['ACKS', 'ACKS', 'ACKD', 'NACK']));
  }
  if (random.chance(0.7)) lines.push('QUIT');
  return lines;
}

export function pop2Plan(random: Random, allowPam: boolean): PopPlan {
  const roll = random.float();
  const login: PopLogin = roll < 0.8 ? 'password' : roll < 0.85 && allowPam ? 'pam' : 'none';
  const helo = login === 'password' ? [`HELO ${VIRTUAL_USER} ${VIRTUAL_PASSWORD}`] : login === 'pam' ? [`HELO ${PAM_USER} ${PAM_PASSWORD}`] : [];
  const kind = random.float();
  if (kind < 0.65) {
    const { text, mutations } = mutateLines(random, [...helo, 'READ', ...pop2Walk(random)], POP2_VALID, POP2_DICTIONARY, random.pick([0.03, 0.1, 0.3]));
    return { kind: 'mutated', login, text, mutations };
  }
  const prefix = helo.map((line) => `${line}\r\n`).join('');
  if (kind < 0.85) return { kind: 'random', login, text: prefix + randomText(random, POP2_DICTIONARY), mutations: ['random'] };
  const lines = Array.from({ length: random.int(2, 12) }, () => `${random.pick(POP2_VALID)}\r\n`);
  return { kind: 'valid', login, text: prefix + lines.join(''), mutations: ['valid'] };
}
