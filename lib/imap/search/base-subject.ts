// The base subject of RFC 5256 §2.1, for SORT SUBJECT and THREAD: RFC 2047
// decoded, white space collapsed, "Re:", "Fwd:", "[list]" blobs and
// "(fwd)" trailers removed, then case-folded. `isReply` says whether
// anything marking a reply or forward was removed (REFERENCES step 6).
import { foldCase } from '../../mail/mime/casemap';
import { decodeEncodedWords } from '../../mail/mime/encoded-word';

export interface BaseSubject {
  readonly text: string;
  readonly isReply: boolean;
}

const TRAILER = /(?:[ \t]+|\(fwd\))$/i;
const LEADER = /^(?:\[[^[\]]*\][ \t]*)*(?:re|fwd?)[ \t]*(?:\[[^[\]]*\])?:/i;
const BLOB = /^\[[^[\]]*\][ \t]*/;
const FWD_WRAPPER = /^\[fwd:(.*)\]$/i;

export function baseSubject(raw: string): BaseSubject {
  let subject = decodeEncodedWords(raw).replace(/[ \t\r\n]+/g, ' ');
  let isReply = false;
  for (;;) {
    // Step 2: trailers.
    for (let match = TRAILER.exec(subject); match !== null && subject !== ''; match = TRAILER.exec(subject)) {
      if (match[0].toLowerCase() === '(fwd)') isReply = true;
      subject = subject.slice(0, subject.length - match[0].length);
    }
    // Steps 3-5: leaders and blobs, until nothing changes.
    for (let previous = ''; previous !== subject; ) {
      previous = subject;
      subject = subject.replace(/^[ \t]+/, '');
      const leader = LEADER.exec(subject);
      if (leader !== null) {
        subject = subject.slice(leader[0].length);
        isReply = true;
      }
      const blob = BLOB.exec(subject);
      if (blob !== null && blob[0].length < subject.length) subject = subject.slice(blob[0].length);
    }
    // Step 6: a "[fwd: ...]" wrapper, then start again.
    const wrapper = FWD_WRAPPER.exec(subject);
    if (wrapper === null) break;
    subject = wrapper[1] as string;
    isReply = true;
  }
  return { text: foldCase(subject), isReply };
}
