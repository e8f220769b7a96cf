// Appending (APPEND, COPY, and moving spool mail into ~/mbox) the UW way:
// UW's From line, the client's header with spoofed store headers renamed,
// padded status headers with an X-UID, and the folder base updated in the
// same journaled change. Mail already in the file without UIDs gets its
// X-UIDs first (in file order), so the UIDs reported now are the ones every
// later session sees. Appended messages stay \Recent for the next session.
import type { AppendResult } from '../types';
import { MailError } from '../errors';
import { withMailboxLock, type LockedSection } from '../lock/mailbox-lock';
import { journalFor, loadFolder, recoverAll, type MboxContext } from './context';
import { formatFromLine } from './from-line';
import { commitRewrite, type TailSink } from './journal';
import { planRewrite, pseudoMessage } from './rewrite';
import { storedForm } from './serialize';
import type { SharedFile } from './shared-file';
import { FLAG_BITS, formatStatusBlock } from './status-headers';

export interface PendingMessage {
  readonly flags: readonly string[];
  readonly internalDate?: Date;
  /** The message as clients see it (CRLF); fetched only while writing. */
  data(): Promise<Buffer>;
}

function flagBits(flags: readonly string[]): number {
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS.get(flag.toLowerCase()) ?? 0;
  return bits;
}

/** Appends all `messages` to the open file, or none. Takes the write lock. */
export function appendToFile(context: MboxContext, file: SharedFile, messages: readonly PendingMessage[]): Promise<AppendResult> {
  if (!file.writable) return Promise.reject(new MailError('no-permission', `Can't write to ${file.path}`));
  return withMailboxLock(file, 'write', context.lock, (section) => appendLocked(context, file, messages, section));
}

/** appendToFile for a caller that already holds the write lock of `file`. */
export async function appendLocked(
  context: MboxContext,
  file: SharedFile,
  messages: readonly PendingMessage[],
  section: LockedSection,
): Promise<AppendResult> {
  await recoverAll(context, file);
  const { state, size } = await loadFolder(file, true);
  if (!state.disk && file.hints.uidValidity !== undefined) state.uidValidity = file.hints.uidValidity;
  const firstUid = state.uidLast + 1;
  const masks = messages.map((message) => state.keywordMask(message.flags.filter((flag) => !flag.startsWith('\\'))));
  state.uidLast += messages.length;
  const plan = planRewrite(state, file.fd, size, () => false);
  // A file without a base (empty, or only white space) gets UW's
  // pseudo-message before the new mail.
  const needsPseudo = !state.disk && !plan?.rewrite.writeTail;
  const from = plan?.rewrite.writeTail ? plan.rewrite.from : size;
  const writeTail = async (sink: TailSink): Promise<void> => {
    if (plan?.rewrite.writeTail) await plan.rewrite.writeTail(sink);
    else if (needsPseudo) await sink.write(pseudoMessage({ uidValidity: state.uidValidity, uidLast: state.uidLast, keywords: state.keywords }));
    for (const [index, message] of messages.entries()) {
      const block = formatStatusBlock({
        bits: flagBits(message.flags),
        keywords: state.keywordNames(masks[index] ?? 0),
        uid: firstUid + index,
      });
      const fromLine = formatFromLine(context.sender, message.internalDate ?? new Date());
      await sink.write(storedForm(await message.data(), fromLine, block));
      section.refresh();
    }
  };
  await commitRewrite(file, journalFor(context, file), size, { patches: plan?.rewrite.patches ?? [], from, writeTail });
  return { uidValidity: state.uidValidity, uids: messages.map((_, index) => firstUid + index) };
}
