// THREAD and UID THREAD (RFC 5256): ORDEREDSUBJECT and REFERENCES over the
// messages that match the search keys.
import { SELECTED, defineCommand } from '../command';
import { type SearchKey, expectSearchKeys } from '../search/keys';
import { type MessageFacts, messageFacts } from '../search/ordering';
import { checkCharset, expectCharset, searchMailbox } from '../search/run';
import { orderedSubjectThreads, referencesThreads } from '../search/thread';
import type { Session } from '../session';
import type { Decoder } from '../wire/decoder';

const ALGORITHMS = {
  ORDEREDSUBJECT: orderedSubjectThreads,
  REFERENCES: referencesThreads,
} as const;

type Algorithm = keyof typeof ALGORITHMS;

interface ThreadArgs {
  readonly algorithm: Algorithm;
  readonly charset: string;
  readonly key: SearchKey;
}

function parse(d: Decoder): ThreadArgs {
  d.expectSP();
  const algorithm = d.expectAtom().toUpperCase();
  if (!d.failed && !(algorithm in ALGORITHMS)) d.fail(`Unknown threading algorithm ${algorithm}`);
  d.expectSP();
  const charset = expectCharset(d);
  d.expectSP();
  return { algorithm: algorithm as Algorithm, charset, key: expectSearchKeys(d, charset) };
}

async function run(session: Session, { algorithm, charset, key }: ThreadArgs): Promise<void> {
  checkCharset(charset);
  const mailbox = session.mailbox.mailbox;
  const facts: MessageFacts[] = [];
  for (const seq of await searchMailbox(mailbox, key)) {
    const fact = await messageFacts(mailbox, seq);
    // UID THREAD numbers the threads by UID.
    facts.push(session.current.uid ? { ...fact, seq: mailbox.uid(seq) } : fact);
  }
  const threads = ALGORITHMS[algorithm](facts);
  session.untagged(threads === '' ? 'THREAD' : `THREAD ${threads}`);
}

export const threadCommand = defineCommand({ name: 'THREAD', states: SELECTED, usesSequenceNumbers: true, parse, run });
export const uidThreadCommand = defineCommand({ name: 'UID THREAD', states: SELECTED, parse, run });
