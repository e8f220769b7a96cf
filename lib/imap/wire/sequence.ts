// Sequence sets (RFC 3501 §9 `sequence-set`): parsing is in the Decoder;
// here they are evaluated against a mailbox, by message sequence number or
// by UID, and numbers are compacted back into sets for responses
// (APPENDUID, COPYUID, ESEARCH ALL).

/** Stands for `*`: the largest number in use. */
export const LAST = 0;

export interface SequenceRange {
  /** First and last of the range as written (either may be LAST); not ordered. */
  readonly from: number;
  readonly to: number;
}

export type SequenceSet = readonly SequenceRange[];

/** What evaluation needs from a mailbox. UIDs ascend with sequence numbers. */
export interface NumberedMessages {
  readonly count: number;
  uid(seq: number): number;
}

/**
 * The message sequence numbers of `set`, ascending and without duplicates,
 * or undefined when it names a message that does not exist (a BAD answer).
 * A range with `*` names nothing in an empty mailbox, so `1:*` is harmless there.
 */
export function resolveSequenceNumbers(set: SequenceSet, count: number): number[] | undefined {
  const chosen = new Set<number>();
  for (const range of set) {
    if (count === 0 && (range.from === LAST || range.to === LAST)) continue;
    const from = range.from === LAST ? count : range.from;
    const to = range.to === LAST ? count : range.to;
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    if (high > count) return undefined;
    for (let seq = low; seq <= high; seq++) chosen.add(seq);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * The sequence numbers of the messages whose UIDs are in `set`, ascending.
 * UIDs not present are ignored (RFC 3501 §6.4.8); `n:*` always includes the
 * last message, even when n is above the highest UID.
 */
export function resolveUids(set: SequenceSet, messages: NumberedMessages): number[] {
  const count = messages.count;
  if (count === 0) return [];
  const highestUid = messages.uid(count);
  const chosen = new Set<number>();
  for (const range of set) {
    const from = range.from === LAST ? highestUid : range.from;
    const to = range.to === LAST ? highestUid : range.to;
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    for (let seq = firstSeqAtOrAbove(messages, low); seq <= count; seq++) {
      if (messages.uid(seq) > high) break;
      chosen.add(seq);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Binary search: the first sequence number whose UID is >= uid (count + 1 if none). */
function firstSeqAtOrAbove(messages: NumberedMessages, uid: number): number {
  let low = 1;
  let high = messages.count + 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (messages.uid(middle) < uid) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** `1:3,7,9:10` from any list of positive numbers (sorted and de-duplicated here). */
export function formatSequenceSet(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const pieces: string[] = [];
  let index = 0;
  while (index < sorted.length) {
    const start = sorted[index] ?? 0;
    let end = start;
    while (sorted[index + 1] === end + 1) {
      end += 1;
      index += 1;
    }
    pieces.push(start === end ? String(start) : `${start}:${end}`);
    index += 1;
  }
  return pieces.join(',');
}

/** COPYUID keeps the pairing of source and destination UIDs, so ranges may only join when both sides run on. */
export function formatUidPairs(sources: readonly number[], destinations: readonly number[]): [string, string] {
  const source: string[] = [];
  const destination: string[] = [];
  let index = 0;
  while (index < sources.length) {
    const startSource = sources[index] ?? 0;
    const startDestination = destinations[index] ?? 0;
    let length = 1;
    while (
      index + length < sources.length &&
      sources[index + length] === startSource + length &&
      destinations[index + length] === startDestination + length
    ) {
      length += 1;
    }
    source.push(length === 1 ? String(startSource) : `${startSource}:${startSource + length - 1}`);
    destination.push(length === 1 ? String(startDestination) : `${startDestination}:${startDestination + length - 1}`);
    index += length;
  }
  return [source.join(','), destination.join(',')];
}
