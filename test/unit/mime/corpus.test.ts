// ENVELOPE and BODYSTRUCTURE of the reference corpus, byte for byte as UW
// imapd 2007f answers them. Where Dovecot 2.3 answers differently, we follow
// UW on purpose; the differences are listed below so they stay deliberate.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeBodyStructure } from '../../../lib/imap/render/bodystructure';
import { writeEnvelope } from '../../../lib/imap/render/envelope';
import { Encoder } from '../../../lib/imap/wire/encoder';
import { envelopeOf } from '../../../lib/mail/mime/envelope';
import { scanMessage } from '../../../lib/mail/mime/structure';
import { corpusMessages, referenceAnswers } from './corpus';

function answer(message: Buffer): string {
  const root = scanMessage(message);
  const out = new Encoder().raw('ENVELOPE ');
  writeEnvelope(out, envelopeOf(message, root.header));
  out.raw(' BODYSTRUCTURE ');
  writeBodyStructure(out, message, root, true);
  return out.toBuffer().toString('utf8');
}

// Intentional differences from Dovecot (corpus.dovecot.fetch.txt; Dovecot
// splits the mbox into 66 messages, so its numbers drift after message 27):
// - case: UW upper-cases types, subtypes, encodings and parameter names;
//   Dovecot keeps them as written. Clients compare case-insensitively.
// - a text part with parameters but no charset: UW adds nothing, Dovecot
//   adds "charset" "us-ascii" (messages 33, 41, 45).
// - a nested multipart that reuses its parent's boundary (16, 40): the
//   parent's delimiter ends the inner part, as in UW; Dovecot lets the inner
//   multipart claim it.
// - a parameter without a value (26): UW's "MISSING_PARAMETER_VALUE"; Dovecot
//   drops the parameter.
// - RFC 2231 continuations (30) are passed through as written, as UW does;
//   Dovecot joins them.
// - "Content-Type: text" without subtype (15): TEXT/PLAIN as UW; Dovecot "" "".
// - addresses without a host get UW's ".MISSING-HOST-NAME." (5, 16) and
//   "Name <>" becomes UW's mailbox plus a ".SYNTAX-ERROR." entry (44);
//   Dovecot writes MISSING_DOMAIN / MISSING_MAILBOX.
describe('MIME model against the reference corpus', () => {
  const messages = corpusMessages();
  const uw = referenceAnswers('uw');

  it('splits the corpus into the 68 messages UW serves', () => {
    assert.equal(messages.length, 68);
    assert.equal(uw.size, 68);
  });

  messages.forEach((message, index) => {
    it(`message ${index + 1}: ENVELOPE and BODYSTRUCTURE equal UW's`, () => {
      assert.equal(answer(message), uw.get(index + 1));
    });
  });

  it('agrees with Dovecot, case aside, on the messages where UW and Dovecot agree', () => {
    const dovecot = referenceAnswers('dovecot');
    const fold = (text: string | undefined): string => (text ?? '').toLowerCase();
    let agreed = 0;
    for (const [seq, text] of uw) {
      if (fold(text) !== fold(dovecot.get(seq))) continue;
      assert.equal(fold(answer(messages[seq - 1] as Buffer)), fold(text));
      agreed += 1;
    }
    assert.ok(agreed >= 40, `only ${agreed} messages to compare`);
  });
});
