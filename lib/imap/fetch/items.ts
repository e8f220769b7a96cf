// FETCH data items (RFC 3501 §6.4.5, BINARY from RFC 3516): the grammar of
// fetch-att, the macros ALL/FAST/FULL, and what each item needs from the
// store (nothing, the header, or the whole message).
import type { SectionSpec, SectionText } from '../../mail/mime/section';
import type { Decoder } from '../wire/decoder';
import { isAtom } from '../wire/encoder';

export interface Partial {
  readonly origin: number;
  readonly count: number;
}

export type SimpleItem =
  | 'UID'
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT';

export type FetchItem =
  | { readonly kind: SimpleItem }
  | { readonly kind: 'section'; readonly peek: boolean; readonly section: SectionSpec; readonly label: string; readonly partial?: Partial }
  | { readonly kind: 'binary'; readonly peek: boolean; readonly part: readonly number[]; readonly label: string; readonly partial?: Partial }
  | { readonly kind: 'binary-size'; readonly part: readonly number[]; readonly label: string };

const SIMPLE: ReadonlySet<string> = new Set<SimpleItem>([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

const MACROS: Readonly<Record<string, readonly SimpleItem[]>> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** The argument after the sequence set: a macro, one item, or a list of items. */
export function expectFetchItems(d: Decoder): FetchItem[] {
  if (d.peek('(')) {
    const items: FetchItem[] = [];
    d.expectList(() => void items.push(expectFetchItem(d)));
    return items;
  }
  const mark = d.mark();
  const macro = MACROS[takeName(d).toUpperCase()];
  if (macro !== undefined && !d.peek('[')) return macro.map((kind) => ({ kind }));
  d.rewind(mark);
  return [expectFetchItem(d)];
}

function expectFetchItem(d: Decoder): FetchItem {
  const name = takeName(d).toUpperCase();
  if (name === 'BODY' || name === 'BODY.PEEK') {
    if (!d.peek('[')) {
      if (name === 'BODY.PEEK') d.fail('BODY.PEEK needs a section');
      return { kind: 'BODY' };
    }
    const [section, text] = expectSection(d);
    const partial = maybePartial(d);
    return { kind: 'section', peek: name === 'BODY.PEEK', section, label: `BODY[${text}]`, ...(partial && { partial }) };
  }
  if (name === 'BINARY' || name === 'BINARY.PEEK' || name === 'BINARY.SIZE') {
    d.expect('[');
    const part = d.peek(']') ? [] : expectPartNumbers(d);
    d.expect(']');
    const label = `BINARY${name === 'BINARY.SIZE' ? '.SIZE' : ''}[${part.join('.')}]`;
    if (name === 'BINARY.SIZE') return { kind: 'binary-size', part, label };
    const partial = maybePartial(d);
    return { kind: 'binary', peek: name === 'BINARY.PEEK', part, label, ...(partial && { partial }) };
  }
  if (!SIMPLE.has(name)) {
    d.fail(name === '' ? 'Expected a fetch attribute' : `Unknown fetch attribute ${name}`);
    return { kind: 'UID' };
  }
  return { kind: name as SimpleItem };
}

/** "[" section "]"; returns the spec and its text as echoed in the response. */
function expectSection(d: Decoder): [SectionSpec, string] {
  d.expect('[');
  const part = d.peekByte() !== undefined && isDigit(d.peekByte() as number) ? expectPartNumbers(d) : [];
  let text: SectionText | undefined;
  let fields: string[] | undefined;
  if (part.length === 0 || d.consume('.')) {
    const word = d.peek(']') && part.length === 0 ? '' : takeName(d).toUpperCase();
    if (word === 'HEADER' || word === 'TEXT' || word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT' || (word === 'MIME' && part.length > 0)) {
      text = word;
    } else if (word !== '') {
      d.fail(`Invalid section text ${word}`);
    }
    if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
      d.expectSP();
      fields = [];
      const names = fields;
      d.expectList(() => void names.push(d.expectAstring().toString('latin1')));
    }
  }
  d.expect(']');
  let label = part.join('.');
  if (text !== undefined) label += `${label === '' ? '' : '.'}${text}`;
  if (fields !== undefined) label += ` (${fields.map(fieldLabel).join(' ')})`;
  return [{ part, ...(text && { text }), ...(fields && { fields }) }, label];
}

function fieldLabel(name: string): string {
  return isAtom(name) ? name : `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

function expectPartNumbers(d: Decoder): number[] {
  const part = [d.expectNzNumber()];
  for (;;) {
    const mark = d.mark();
    if (!d.consume('.')) break;
    const byte = d.peekByte();
    if (byte === undefined || !isDigit(byte)) {
      d.rewind(mark);
      break;
    }
    part.push(d.expectNzNumber());
  }
  return part;
}

/** "<" origin "." count ">" when present. */
function maybePartial(d: Decoder): Partial | undefined {
  if (!d.consume('<')) return undefined;
  const origin = d.expectNumber();
  d.expect('.');
  const count = d.expectNzNumber();
  d.expect('>');
  return { origin, count };
}

/** Letters, digits and dots: the name of an item up to "[", "<", SP or ")". */
function takeName(d: Decoder): string {
  let name = '';
  for (;;) {
    const byte = d.peekByte();
    if (byte === undefined || !(isDigit(byte) || byte === 0x2e || (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a)) return name;
    name += String.fromCharCode(byte);
    d.consume(String.fromCharCode(byte));
  }
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** What an item needs from the store. */
export function itemNeeds(item: FetchItem): 'nothing' | 'header' | 'message' {
  switch (item.kind) {
    case 'UID':
    case 'FLAGS':
    case 'INTERNALDATE':
    case 'RFC822.SIZE':
      return 'nothing';
    case 'ENVELOPE':
    case 'RFC822.HEADER':
      return 'header';
    case 'section':
      return item.section.part.length === 0 && item.section.text !== undefined && item.section.text !== 'TEXT' ? 'header' : 'message';
    default:
      return 'message';
  }
}

/** Whether fetching the item sets \Seen (RFC 3501: BODY[…], RFC822, RFC822.TEXT; RFC 3516: BINARY[…]). */
export function setsSeen(item: FetchItem): boolean {
  return (item.kind === 'section' || item.kind === 'binary') ? !item.peek : item.kind === 'RFC822' || item.kind === 'RFC822.TEXT';
}
