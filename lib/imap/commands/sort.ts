// SORT and UID SORT (RFC 5256): SEARCH, then order the matches.
import { SELECTED, defineCommand } from '../command';
import { type SearchKey, expectSearchKeys } from '../search/keys';
import { messageFacts } from '../search/ordering';
import { checkCharset, expectCharset, searchMailbox } from '../search/run';
import { type SortCriterion, compareBy, expectSortCriteria } from '../search/sort';
import type { Session } from '../session';
import type { Decoder } from '../wire/decoder';

interface SortArgs {
  readonly criteria: readonly SortCriterion[];
  readonly charset: string;
  readonly key: SearchKey;
}

function parse(d: Decoder): SortArgs {
  d.expectSP();
  const criteria = expectSortCriteria(d);
  d.expectSP();
  const charset = expectCharset(d);
  d.expectSP();
  return { criteria, charset, key: expectSearchKeys(d, charset) };
}

async function run(session: Session, { criteria, charset, key }: SortArgs): Promise<void> {
  checkCharset(charset);
  const mailbox = session.mailbox.mailbox;
  const facts = [];
  for (const seq of await searchMailbox(mailbox, key)) facts.push(await messageFacts(mailbox, seq));
  facts.sort(compareBy(criteria));
  const numbers = facts.map((fact) => (session.current.uid ? mailbox.uid(fact.seq) : fact.seq));
  session.untagged(numbers.length === 0 ? 'SORT' : `SORT ${numbers.join(' ')}`);
}

export const sortCommand = defineCommand({ name: 'SORT', states: SELECTED, usesSequenceNumbers: true, parse, run });
export const uidSortCommand = defineCommand({ name: 'UID SORT', states: SELECTED, parse, run });
