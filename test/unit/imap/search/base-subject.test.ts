// RFC 5256 §2.1 base subjects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseSubject } from '../../../../lib/imap/search/base-subject';

const cases: Array<[string, string, boolean]> = [
  ['Project plan', 'project plan', false],
  ['Re: Project plan', 'project plan', true],
  ['RE: re: Fwd: Project plan', 'project plan', true],
  ['Re[2]: Project plan', 'project plan', true],
  ['[list] Re: Project plan', 'project plan', true],
  ['Re: [list] Project plan', 'project plan', true],
  ['[list] Project plan', 'project plan', false],
  ['[only a blob]', '[only a blob]', false],
  ['Project plan (fwd)', 'project plan', true],
  ['[Fwd: Re: Project plan]', 'project plan', true],
  ['  Project \t  plan  ', 'project plan', false],
  ['Fw : Project plan', 'project plan', true],
  ['Report: numbers', 'report: numbers', false],
  ['=?utf-8?q?Re=3A_Gr=C3=BC=C3=9Fe?=', 'grüße', true],
  ['', '', false],
  ['Re:', '', true],
];

describe('base subject', () => {
  for (const [input, text, isReply] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(baseSubject(input), { text: text.normalize('NFKD'), isReply }));
  }

  it('megabyte subjects of trailers, blobs and wrappers (each step once, not once per piece)', () => {
    const count = 200000;
    assert.deepEqual(baseSubject(`x${'(fwd)'.repeat(count)}`), { text: 'x', isReply: true });
    assert.deepEqual(baseSubject(`${'[a]'.repeat(count)}x`), { text: 'x', isReply: false });
    assert.deepEqual(baseSubject(`${'[a] re: '.repeat(count)}x`), { text: 'x', isReply: true });
    assert.deepEqual(baseSubject(`${'[fwd:'.repeat(count)}x${']'.repeat(count)}`), { text: 'x', isReply: true });
  });
});
