// SEARCH and UID SEARCH (RFC 3501 §6.4.4), with ESEARCH's RETURN options
// (RFC 4731: MIN MAX ALL COUNT) and WITHIN's OLDER/YOUNGER (RFC 5032).
import { SELECTED, defineCommand } from '../command';
import { checkCharset, expectCharset, searchMailbox } from '../search/run';
import { type SearchKey, expectSearchKeys } from '../search/keys';
import type { Session } from '../session';
import type { Decoder } from '../wire/decoder';
import { Encoder } from '../wire/encoder';
import { formatSequenceSet } from '../wire/sequence';

type ReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT';
const RETURN_OPTIONS: readonly ReturnOption[] = ['MIN', 'MAX', 'ALL', 'COUNT'];

interface SearchArgs {
  /** Present for `SEARCH RETURN (…)`: answer with ESEARCH. */
  readonly returns: readonly ReturnOption[] | undefined;
  readonly charset: string;
  readonly key: SearchKey;
}

function parse(d: Decoder): SearchArgs {
  d.expectSP();
  let returns: ReturnOption[] | undefined;
  const start = d.mark();
  if (d.maybeAtom()?.toUpperCase() === 'RETURN') {
    d.expectSP();
    const options: ReturnOption[] = [];
    d.expectList(
      () => {
        const option = d.expectAtom().toUpperCase() as ReturnOption;
        if (!RETURN_OPTIONS.includes(option)) d.fail(`Unknown search return option ${option}`);
        options.push(option);
      },
      { allowEmpty: true },
    );
    // RFC 4731: RETURN () means RETURN (ALL).
    returns = options.length === 0 ? ['ALL'] : options;
    d.expectSP();
  } else d.rewind(start);
  let charset = 'US-ASCII';
  const afterReturn = d.mark();
  if (d.maybeAtom()?.toUpperCase() === 'CHARSET') {
    d.expectSP();
    charset = expectCharset(d);
    d.expectSP();
  } else d.rewind(afterReturn);
  return { returns, charset, key: expectSearchKeys(d, charset) };
}

async function run(session: Session, { returns, charset, key }: SearchArgs): Promise<void> {
  checkCharset(charset);
  const mailbox = session.mailbox.mailbox;
  const byUid = session.current.uid;
  const found = (await searchMailbox(mailbox, key)).map((seq) => (byUid ? mailbox.uid(seq) : seq));
  if (returns === undefined) {
    session.untagged(found.length === 0 ? 'SEARCH' : `SEARCH ${found.join(' ')}`);
    return;
  }
  const out = new Encoder().raw('ESEARCH (TAG ').string(session.current.tag).raw(')');
  if (byUid) out.raw(' UID');
  if (found.length > 0) {
    if (returns.includes('MIN')) out.raw(` MIN ${found[0]}`);
    if (returns.includes('MAX')) out.raw(` MAX ${found.at(-1)}`);
    if (returns.includes('ALL')) out.raw(` ALL ${formatSequenceSet(found)}`);
  }
  if (returns.includes('COUNT')) out.raw(` COUNT ${found.length}`);
  session.untagged(out);
}

export const searchCommand = defineCommand({ name: 'SEARCH', states: SELECTED, usesSequenceNumbers: true, parse, run });
export const uidSearchCommand = defineCommand({ name: 'UID SEARCH', states: SELECTED, parse, run });
