// SORT criteria (RFC 5256 §3): keys, REVERSE, and the comparison they make.
// Ties always fall back to the sequence number.
import type { Decoder } from '../wire/decoder';
import type { MessageFacts } from './ordering';

export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO';

export interface SortCriterion {
  readonly key: SortKey;
  readonly reverse: boolean;
}

const KEYS: ReadonlySet<string> = new Set<SortKey>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO']);

/** "(" [REVERSE] key *(SP [REVERSE] key) ")" */
export function expectSortCriteria(d: Decoder): SortCriterion[] {
  const criteria: SortCriterion[] = [];
  d.expectList(() => {
    let name = d.expectAtom().toUpperCase();
    const reverse = name === 'REVERSE';
    if (reverse) {
      d.expectSP();
      name = d.expectAtom().toUpperCase();
    }
    if (!KEYS.has(name)) d.fail(`Unknown sort key ${name}`);
    criteria.push({ key: name as SortKey, reverse });
  });
  return criteria;
}

export function compareBy(criteria: readonly SortCriterion[]): (a: MessageFacts, b: MessageFacts) => number {
  return (a, b) => {
    for (const { key, reverse } of criteria) {
      const order = compareKey(key, a, b);
      if (order !== 0) return reverse ? -order : order;
    }
    return a.seq - b.seq;
  };
}

function compareKey(key: SortKey, a: MessageFacts, b: MessageFacts): number {
  switch (key) {
    case 'ARRIVAL':
      return a.arrival - b.arrival;
    case 'DATE':
      return a.sent - b.sent;
    case 'SIZE':
      return a.size - b.size;
    case 'SUBJECT':
      return compareText(a.subject.text, b.subject.text);
    case 'CC':
    case 'FROM':
    case 'TO':
      return compareText(a[key.toLowerCase() as 'cc' | 'from' | 'to'], b[key.toLowerCase() as 'cc' | 'from' | 'to']);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
