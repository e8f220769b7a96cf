// Evaluates a SEARCH key tree against one message. What the tree needs
// (header, whole message) is read once per message by the caller; headers
// and text are decoded only when a key asks for them, and at most once.
import { foldCase } from '../../mail/mime/casemap';
import { headerText, headerTexts, bodyTexts } from '../../mail/mime/search-text';
import { type MimePart, scanMessage } from '../../mail/mime/structure';
import type { Mailbox } from '../../mail/types';
import { LAST, type SequenceSet } from '../wire/sequence';
import { dayNumber, headerDay, localDay } from './dates';
import type { DateTest, SearchKey } from './keys';

/** One message under test, with its content decoded lazily. */
export class SearchMessage {
  private tree: MimePart | undefined;
  private readonly folded = new Map<string, string[]>();
  private bodyCache: string[] | undefined;

  constructor(
    readonly mailbox: Mailbox,
    readonly seq: number,
    /** The header or the whole message, as keyNeeds asked; undefined when nothing was needed. */
    readonly data: Buffer | undefined,
    /** The current time, for OLDER/YOUNGER. */
    readonly now: number,
  ) {}

  get root(): MimePart {
    this.tree ??= scanMessage(this.data ?? Buffer.alloc(0));
    return this.tree;
  }

  /** Decoded, case-folded values of a header field. */
  field(name: string): string[] {
    let values = this.folded.get(name);
    if (values === undefined) {
      values = headerTexts(this.data ?? Buffer.alloc(0), this.root, name).map(foldCase);
      this.folded.set(name, values);
    }
    return values;
  }

  /** Decoded, case-folded text of every text part. */
  bodies(): string[] {
    this.bodyCache ??= [...bodyTexts(this.data ?? Buffer.alloc(0), this.root)].map(foldCase);
    return this.bodyCache;
  }

  headerText(): string {
    return foldCase(headerText(this.data ?? Buffer.alloc(0), this.root));
  }
}

export function matches(key: SearchKey, message: SearchMessage): boolean {
  const { mailbox, seq } = message;
  switch (key.kind) {
    case 'all':
      return true;
    case 'flag':
      return mailbox.hasFlag(seq, key.flag) === key.present;
    case 'recent':
      return mailbox.isRecent(seq) === key.present;
    case 'header':
      // An empty string matches every message that has the field (RFC 3501).
      return message.field(key.field).some((value) => value.includes(key.text));
    case 'body':
      return message.bodies().some((text) => text.includes(key.text));
    case 'text':
      return message.headerText().includes(key.text) || message.bodies().some((text) => text.includes(key.text));
    case 'date': {
      const day = key.field === 'internal' ? localDay(mailbox.internalDate(seq)) : sentDay(message);
      return day !== undefined && compareDay(dayNumber(day), dayNumber(key.date), key.test);
    }
    case 'within': {
      const age = message.now - mailbox.internalDate(seq).getTime();
      return key.older ? age >= key.seconds * 1000 : age < key.seconds * 1000;
    }
    case 'size':
      return key.larger ? mailbox.size(seq) > key.size : mailbox.size(seq) < key.size;
    case 'uid':
      return inSet(key.set, mailbox.uid(seq), mailbox.count > 0 ? mailbox.uid(mailbox.count) : 0);
    case 'seq':
      return inSet(key.set, seq, mailbox.count);
    case 'not':
      return !matches(key.key, message);
    case 'or':
      return matches(key.left, message) || matches(key.right, message);
    case 'and':
      return key.keys.every((each) => matches(each, message));
  }
}

function sentDay(message: SearchMessage): ReturnType<typeof headerDay> {
  const value = message.field('date')[0];
  return value === undefined ? undefined : headerDay(value);
}

function compareDay(day: number, wanted: number, test: DateTest): boolean {
  if (test === 'before') return day < wanted;
  if (test === 'on') return day === wanted;
  return day >= wanted;
}

/** Whether `number` is in `set`, `*` standing for `largest`. */
function inSet(set: SequenceSet, number: number, largest: number): boolean {
  return set.some((range) => {
    const from = range.from === LAST ? largest : range.from;
    const to = range.to === LAST ? largest : range.to;
    return number >= Math.min(from, to) && number <= Math.max(from, to);
  });
}
