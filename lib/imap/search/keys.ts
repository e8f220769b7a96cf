// SEARCH keys (RFC 3501 §6.4.4, WITHIN from RFC 5032) parsed into a tree.
// String arguments are converted from the command's CHARSET and case-folded
// (i;unicode-casemap) once, here, so evaluation only compares.
import { foldCase } from '../../mail/mime/casemap';
import { decodeCharset } from '../../mail/mime/charset';
import type { CalendarDate, Decoder } from '../wire/decoder';
import type { SequenceSet } from '../wire/sequence';

export type DateField = 'internal' | 'sent';
export type DateTest = 'before' | 'on' | 'since';

export type SearchKey =
  | { readonly kind: 'all' }
  | { readonly kind: 'flag'; readonly flag: string; readonly present: boolean }
  | { readonly kind: 'recent'; readonly present: boolean }
  | { readonly kind: 'header'; readonly field: string; readonly text: string }
  | { readonly kind: 'body' | 'text'; readonly text: string }
  | { readonly kind: 'date'; readonly field: DateField; readonly test: DateTest; readonly date: CalendarDate }
  | { readonly kind: 'within'; readonly older: boolean; readonly seconds: number }
  | { readonly kind: 'size'; readonly larger: boolean; readonly size: number }
  | { readonly kind: 'uid' | 'seq'; readonly set: SequenceSet }
  | { readonly kind: 'not'; readonly key: SearchKey }
  | { readonly kind: 'or'; readonly left: SearchKey; readonly right: SearchKey }
  | { readonly kind: 'and'; readonly keys: readonly SearchKey[] };

/** NOT, OR and parentheses nested deeper than this are refused (BAD), before the stack suffers. */
export const MAX_SEARCH_DEPTH = 64;

const FLAG_KEYS: Readonly<Record<string, readonly [string, boolean]>> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};

const HEADER_KEYS: Readonly<Record<string, string>> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };

const DATE_KEYS: Readonly<Record<string, readonly [DateField, DateTest]>> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

/** One or more keys up to the end of the command (they are ANDed). */
export function expectSearchKeys(d: Decoder, charset: string): SearchKey {
  const parser = new KeyParser(d, charset);
  const keys = [parser.key(0)];
  while (!d.failed && d.maybeSP()) keys.push(parser.key(0));
  return keys.length === 1 ? (keys[0] as SearchKey) : { kind: 'and', keys };
}

class KeyParser {
  constructor(
    private readonly d: Decoder,
    private readonly charset: string,
  ) {}

  key(depth: number): SearchKey {
    const d = this.d;
    if (depth > MAX_SEARCH_DEPTH) {
      d.fail('Search keys nested too deeply');
      return { kind: 'all' };
    }
    if (d.peek('(')) {
      const keys: SearchKey[] = [];
      d.expectList(() => void keys.push(this.key(depth + 1)));
      return keys.length === 1 ? (keys[0] as SearchKey) : { kind: 'and', keys };
    }
    if (d.peekSequenceSet()) return { kind: 'seq', set: d.expectSequenceSet() };
    const name = d.expectAtom().toUpperCase();
    const flag = FLAG_KEYS[name];
    if (flag !== undefined) return { kind: 'flag', flag: flag[0], present: flag[1] };
    const header = HEADER_KEYS[name];
    if (header !== undefined) return { kind: 'header', field: header, text: this.text() };
    const date = DATE_KEYS[name];
    if (date !== undefined) {
      d.expectSP();
      return { kind: 'date', field: date[0], test: date[1], date: d.expectDate() };
    }
    switch (name) {
      case 'ALL':
        return { kind: 'all' };
      case 'NEW':
        return { kind: 'and', keys: [{ kind: 'recent', present: true }, { kind: 'flag', flag: '\\Seen', present: false }] };
      case 'OLD':
        return { kind: 'recent', present: false };
      case 'RECENT':
        return { kind: 'recent', present: true };
      case 'KEYWORD':
      case 'UNKEYWORD':
        d.expectSP();
        return { kind: 'flag', flag: d.expectAtom(), present: name === 'KEYWORD' };
      case 'BODY':
      case 'TEXT':
        return { kind: name === 'BODY' ? 'body' : 'text', text: this.text() };
      case 'HEADER': {
        d.expectSP();
        const field = d.expectAstring().toString('latin1').toLowerCase();
        return { kind: 'header', field, text: this.text() };
      }
      case 'LARGER':
      case 'SMALLER':
        d.expectSP();
        return { kind: 'size', larger: name === 'LARGER', size: d.expectNumber() };
      case 'OLDER':
      case 'YOUNGER':
        d.expectSP();
        return { kind: 'within', older: name === 'OLDER', seconds: d.expectNzNumber() };
      case 'UID':
        d.expectSP();
        return { kind: 'uid', set: d.expectSequenceSet() };
      case 'NOT':
        d.expectSP();
        return { kind: 'not', key: this.key(depth + 1) };
      case 'OR': {
        d.expectSP();
        const left = this.key(depth + 1);
        d.expectSP();
        return { kind: 'or', left, right: this.key(depth + 1) };
      }
      default:
        if (!d.failed) d.fail(`Unknown search key ${name}`);
        return { kind: 'all' };
    }
  }

  /** SP astring, in the command's charset, case-folded. */
  private text(): string {
    this.d.expectSP();
    return foldCase(decodeCharset(this.d.expectAstring(), this.charset));
  }
}

/** What evaluating a key needs from the store, beyond flags and numbers. */
export function keyNeeds(key: SearchKey): 'nothing' | 'header' | 'message' {
  switch (key.kind) {
    case 'header':
      return 'header';
    case 'date':
      return key.field === 'sent' ? 'header' : 'nothing';
    case 'body':
    case 'text':
      return 'message';
    case 'not':
      return keyNeeds(key.key);
    case 'or':
      return widest([keyNeeds(key.left), keyNeeds(key.right)]);
    case 'and':
      return widest(key.keys.map(keyNeeds));
    default:
      return 'nothing';
  }
}

function widest(needs: readonly ('nothing' | 'header' | 'message')[]): 'nothing' | 'header' | 'message' {
  return needs.includes('message') ? 'message' : needs.includes('header') ? 'header' : 'nothing';
}
