// Shared by SEARCH, SORT and THREAD: the optional CHARSET argument and
// running a key tree over the selected mailbox.
import { isMailError } from '../../mail/errors';
import { isKnownCharset } from '../../mail/mime/charset';
import type { Mailbox } from '../../mail/types';
import { ImapError } from '../command';
import type { Decoder } from '../wire/decoder';
import { SearchMessage, matches } from './evaluate';
import { type SearchKey, keyNeeds } from './keys';

/** The charsets named in BADCHARSET; others that iconv-lite or ICU know work too. */
export const ADVERTISED_CHARSETS = 'UTF-8 US-ASCII ISO-8859-1';

/** A charset name (astring). Unknown ones are refused at run time with NO [BADCHARSET]. */
export function expectCharset(d: Decoder): string {
  return d.expectAstring().toString('latin1');
}

export function checkCharset(charset: string): void {
  if (!isKnownCharset(charset)) throw new ImapError('NO', `Unknown charset ${charset}`, `BADCHARSET (${ADVERTISED_CHARSETS})`);
}

/** Sequence numbers of the messages that match, ascending; one another session expunged never matches. */
export async function searchMailbox(mailbox: Mailbox, key: SearchKey): Promise<number[]> {
  const needs = keyNeeds(key);
  const now = Date.now();
  const found: number[] = [];
  for (let seq = 1; seq <= mailbox.count; seq++) {
    let data: Buffer | undefined;
    try {
      data = needs === 'message' ? await mailbox.read(seq) : needs === 'header' ? await mailbox.readHeader(seq) : undefined;
    } catch (error) {
      if (isMailError(error) && error.kind === 'expunged') continue;
      throw error;
    }
    if (matches(key, new SearchMessage(mailbox, seq, data, now))) found.push(seq);
  }
  return found;
}
