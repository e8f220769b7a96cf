// The base subject of RFC 5256 §2.1, for SORT SUBJECT and THREAD: RFC 2047
// decoded, white space collapsed, "Re:", "Fwd:", "[list]" blobs and
// "(fwd)" trailers removed, then case-folded. `isReply` says whether
// anything marking a reply or forward was removed (REFERENCES step 6).
// One pass with two indexes: a subject of 100 KB of "(fwd)" or "[x]" took
// seconds when every step re-ran a regular expression over the rest.
import { foldCase } from '../../mail/mime/casemap';
import { decodeEncodedWords } from '../../mail/mime/encoded-word';

export interface BaseSubject {
  readonly text: string;
  readonly isReply: boolean;
}

export function baseSubject(raw: string): BaseSubject {
  const subject = decodeEncodedWords(raw).replace(/[ \t\r\n]+/g, ' ');
  let start = 0;
  let end = subject.length;
  let isReply = false;
  for (;;) {
    // A leader search that failed after the blobs up to here fails from every blob before it (until `end` moves).
    let noLeaderUpTo = -1;
    // Step 2: trailers.
    for (;;) {
      if (end > start && isBlank(subject, end - 1)) end -= 1;
      else if (end - start >= 5 && subject.slice(end - 5, end).toLowerCase() === '(fwd)') {
        end -= 5;
        isReply = true;
      } else break;
    }
    // Steps 3-5: leaders and blobs, until nothing changes.
    for (;;) {
      while (start < end && isBlank(subject, start)) start += 1;
      if (start > noLeaderUpTo) {
        const leader = leaderEnd(subject, start, end);
        if (leader.end >= 0) {
          start = leader.end;
          isReply = true;
          continue;
        }
        noLeaderUpTo = leader.refwdAt;
      }
      const blob = blobEnd(subject, start, end, true);
      if (blob < 0 || blob >= end) break;
      start = blob;
    }
    // Step 6: a "[fwd: ...]" wrapper, then start again.
    if (end - start < 6 || subject.slice(start, start + 5).toLowerCase() !== '[fwd:' || subject[end - 1] !== ']') break;
    start += 5;
    end -= 1;
    isReply = true;
  }
  return { text: foldCase(subject.slice(start, end)), isReply };
}

function isBlank(text: string, at: number): boolean {
  return text[at] === ' ' || text[at] === '\t';
}

/** The end of a blob ("[" text without brackets "]", then white space if `blanks`) at `at`, or -1. */
function blobEnd(text: string, at: number, end: number, blanks: boolean): number {
  if (text[at] !== '[') return -1;
  let index = at + 1;
  while (index < end && text[index] !== '[' && text[index] !== ']') index += 1;
  if (text[index] !== ']' || index >= end) return -1;
  index += 1;
  while (blanks && index < end && isBlank(text, index)) index += 1;
  return index;
}

/**
 * subj-leader's reply part at `at`: blobs, then "re", "fw" or "fwd", white
 * space, an optional blob and ":". Returns its end (-1 when there is none)
 * and where "re"/"fw" was looked for after the blobs.
 */
function leaderEnd(text: string, at: number, end: number): { end: number; refwdAt: number } {
  let index = at;
  for (let blob = blobEnd(text, index, end, true); blob >= 0; blob = blobEnd(text, index, end, true)) index = blob;
  const refwdAt = index;
  const word = text.slice(index, index + 3).toLowerCase();
  if (word.startsWith('re') || word.startsWith('fw')) index += word === 'fwd' ? 3 : 2;
  else return { end: -1, refwdAt };
  while (index < end && isBlank(text, index)) index += 1;
  const blob = blobEnd(text, index, end, false);
  if (blob >= 0 && text[blob] === ':' && blob < end) return { end: blob + 1, refwdAt };
  return { end: text[index] === ':' && index < end ? index + 1 : -1, refwdAt };
}
