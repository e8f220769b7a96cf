// APPEND (RFC 3501 §6.3.11) with MULTIAPPEND (RFC 3502: several messages,
// all or none), UIDPLUS's APPENDUID, and literal8 for BINARY. The literal
// limit (max-literal, NO [TOOBIG]) is applied by the reader before `+`.
import type { AppendMessage } from '../../mail/types';
import { AFTER_LOGIN, ImapError, defineCommand } from '../command';
import { formatSequenceSet } from '../wire/sequence';
import { storableFlags } from './flags';
import { withTryCreate } from './trycreate';

export const appendCommand = defineCommand({
  name: 'APPEND',
  states: AFTER_LOGIN,
  literals: 'message',
  parse(d) {
    d.expectSP();
    const mailbox = d.expectMailbox();
    const messages: AppendMessage[] = [];
    while (!d.failed && d.maybeSP()) {
      let flags: string[] = [];
      let internalDate: Date | undefined;
      if (d.peek('(')) {
        flags = d.expectFlagList();
        d.expectSP();
      }
      if (d.peek('"')) {
        internalDate = d.expectDateTime();
        d.expectSP();
      }
      if (!d.peek('{') && !d.peekLiteral8()) d.fail('Expected message literal');
      const data = d.expectString();
      messages.push({ data, flags, internalDate });
    }
    if (messages.length === 0) d.fail('Expected message');
    return { mailbox, messages };
  },
  async run(session, { mailbox, messages }) {
    const prepared = messages.map((message) => {
      if (message.data.length === 0) throw new ImapError('NO', 'Empty message');
      return { ...message, flags: storableFlags(message.flags) };
    });
    const result = await withTryCreate(() => session.store.append(mailbox, prepared));
    return { code: `APPENDUID ${result.uidValidity} ${formatSequenceSet(result.uids)}`, text: 'APPEND completed' };
  },
});
