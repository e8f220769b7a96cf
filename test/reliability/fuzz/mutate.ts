// Mutations of one command line (latin1 text, so every byte is one char):
// token swaps, truncation, huge and negative numbers, unbalanced and deeply
// nested parentheses, literals that lie about their length, NUL and 8-bit
// bytes, very long lines. Each takes the PRNG, so a seed replays it exactly.
import type { Random } from '../../../bench/random';

/** IMAP-ish tokens: literal announcements, quoted strings, brackets, runs of spaces, atoms. */
const TOKEN = /~?\{\d+\+?\}\r\n|"(?:[^"\\\r\n]|\\.)*"|[()[\]<>]|\r\n|\n| +|[^ ()[\]<>"\r\n]+/g;

function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export const WEIRD_NUMBERS = [
  '0', '-1', '-0', '+1', '00000000000000000001', '4294967295', '4294967296', '2147483647', '2147483648', '9007199254740993',
  '18446744073709551616', '99999999999999999999999999', '1e9', '0x10', '1.5', '*', '1:*', '*:1', '0:0', '4294967295:1', '1,*,0', '1:2:3',
  ',', ':', '1,', ',1', '1::2',
];

export const EIGHT_BIT = ['\0', '\x80', '\xff', '\xc3\xa9', '\xe2\x82\xac', '\xf0\x9f\x92\xa9', '\xc0\x80', '\x1b[2J', '\x7f', '\r', '\t', '\x00\x00\x00\x00'];

function randomBytes(random: Random, length: number): string {
  return random.bytes(length).toString('latin1');
}

function spliceToken(list: string[], index: number, replacement: string): string[] {
  return [...list.slice(0, index), replacement, ...list.slice(index + 1)];
}

/** A literal (synchronizing or LITERAL+) carrying `data` but announcing `announced` bytes. */
export function literal(data: string, announced: number, plus: boolean, binary = false): string {
  return `${binary ? '~' : ''}{${announced}${plus ? '+' : ''}}\r\n${data}`;
}

type Mutator = (random: Random, text: string, dictionary: readonly string[]) => string;

/** Rebuilds the line from its tokens after `change`; lines without tokens are returned as they are. */
function onTokens(text: string, change: (list: string[]) => string[]): string {
  const list = tokens(text);
  if (list.length === 0) return text;
  return change(list).join('');
}

const MUTATORS: Readonly<Record<string, Mutator>> = {
  swapTokens: (random, text) =>
    onTokens(text, (list) => {
      const a = random.int(0, list.length - 1);
      const b = random.int(0, list.length - 1);
      const copy = [...list];
      [copy[a], copy[b]] = [list[b] ?? '', list[a] ?? ''];
      return copy;
    }),
  deleteToken: (random, text) => onTokens(text, (list) => spliceToken(list, random.int(0, list.length - 1), '')),
  duplicateToken: (random, text) =>
    onTokens(text, (list) => {
      const index = random.int(0, list.length - 1);
      return spliceToken(list, index, (list[index] ?? '').repeat(random.pick([2, 3, 50])));
    }),
  weirdNumber: (random, text) => {
    const numbers = [...text.matchAll(/\d+/g)];
    if (numbers.length === 0) return `${text.replace(/\r?\n$/, '')} ${random.pick(WEIRD_NUMBERS)}\r\n`;
    const match = random.pick(numbers);
    const at = match.index ?? 0;
    return text.slice(0, at) + random.pick(WEIRD_NUMBERS) + text.slice(at + match[0].length);
  },
  truncate: (random, text) => {
    const cut = text.slice(0, random.int(0, text.length));
    return random.chance(0.5) ? `${cut}\r\n` : cut;
  },
  unbalancedParens: (random, text) => {
    const at = random.int(0, text.length);
    const parens = random.pick(['(', ')', '((', '))', ')(', '(((((', ')))))', '[', ']', '<', '>']);
    return text.slice(0, at) + parens + text.slice(at);
  },
  deepNesting: (random, text) =>
    onTokens(text, (list) => {
      const depth = random.pick([31, 32, 33, 64, 1000, 20000]);
      const index = random.int(0, list.length - 1);
      const closing = random.chance(0.7) ? ')'.repeat(depth) : ')'.repeat(random.int(0, depth));
      return spliceToken(list, index, `${'('.repeat(depth)}${list[index] ?? ''}${closing}`);
    }),
  lyingLiteral: (random, text) =>
    onTokens(text, (list) => {
      const index = random.int(0, list.length - 1);
      const token = list[index] ?? '';
      const existing = /^(~?)\{(\d+)(\+?)\}\r\n$/.exec(token);
      if (existing) {
        const size = Number(existing[2]);
        const announced = random.pick([0, Math.max(0, size - 1), size + 1, size + random.int(2, 100), 4294967296, 99999999999]);
        return spliceToken(list, index, `${existing[1]}{${announced}${random.chance(0.5) ? '+' : ''}}\r\n`);
      }
      const data = token.replace(/^"|"$/g, '');
      const delta = random.pick([-5, -1, 1, 2, 40, 100000]);
      return spliceToken(list, index, literal(data, Math.max(0, data.length + delta), random.chance(0.5), random.chance(0.1)));
    }),
  hugeLiteral: (random, text) =>
    onTokens(text, (list) => {
      const index = random.int(0, list.length - 1);
      const announced = random.pick(['2147483648', '4294967295', '67108865', '999999999999999999999', '-1', '1 2', '']);
      return spliceToken(list, index, `{${announced}${random.chance(0.5) ? '+' : ''}}\r\n`);
    }),
  eightBit: (random, text) => {
    const at = random.int(0, text.length);
    return text.slice(0, at) + random.pick(EIGHT_BIT) + text.slice(at);
  },
  randomBytes: (random, text) => {
    const at = random.int(0, text.length);
    return text.slice(0, at) + randomBytes(random, random.logUniform(1, 200)) + text.slice(at);
  },
  longLine: (random, text) => {
    const at = random.int(0, text.length);
    const length = random.pick([1023, 1024, 1025, 8192, 65535, 65536, 65537, 200000]);
    return text.slice(0, at) + random.pick(['x', 'A', '9', '(', ' ', '"']).repeat(length) + text.slice(at);
  },
  dictionaryToken: (random, text, dictionary) =>
    onTokens(text, (list) => {
      const index = random.int(0, list.length - 1);
      return spliceToken(list, index, random.pick(dictionary));
    }),
  caseFlip: (random, text) => [...text].map((char) => (random.chance(0.5) ? char.toLowerCase() : char.toUpperCase())).join(''),
  dropLineEnd: (random, text) => (random.chance(0.5) ? text.replace(/\r\n$/, '\n') : text.replace(/\r?\n$/, '\r')),
};

const NAMES = Object.keys(MUTATORS);
/** Mutators that keep a line a line (no literal announced, no line end moved) when line ends are then removed. */
const FRAMED_NAMES = ['swapTokens', 'deleteToken', 'duplicateToken', 'weirdNumber', 'unbalancedParens', 'deepNesting', 'eightBit', 'randomBytes', 'dictionaryToken', 'caseFlip'];

/** Applies one to three random mutators; the names applied are returned for the statistics. */
export function mutate(random: Random, text: string, dictionary: readonly string[], names: readonly string[] = NAMES): { text: string; applied: string[] } {
  let result = text;
  const applied: string[] = [];
  const rounds = random.pick([1, 1, 1, 2, 3]);
  for (let round = 0; round < rounds; round++) {
    const name = random.pick(names);
    const mutator = MUTATORS[name];
    if (!mutator) continue;
    result = mutator(random, result, dictionary);
    applied.push(name);
  }
  return { text: result, applied };
}

/**
 * A mutated command that is still exactly one line: whatever the mutators
 * did, CR and LF inside are dropped and a literal announcement at the end is
 * defused, so the server must answer it before reading the next line.
 */
export function mutateFramed(random: Random, line: string, dictionary: readonly string[]): { text: string; applied: string[] } {
  const result = mutate(random, line, dictionary, FRAMED_NAMES);
  const body = result.text.replace(/[\r\n]/g, '');
  return { text: `${/\}$/.test(body) ? `${body} x` : body}\r\n`, applied: result.applied };
}
