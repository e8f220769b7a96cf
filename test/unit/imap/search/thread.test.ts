// REFERENCES and ORDEREDSUBJECT on hand-made message facts: loops, missing
// and duplicate Message-IDs, dummies, subject merging.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseSubject } from '../../../../lib/imap/search/base-subject';
import type { MessageFacts } from '../../../../lib/imap/search/ordering';
import { orderedSubjectThreads, referencesThreads } from '../../../../lib/imap/search/thread';

function fact(seq: number, subject: string, messageId: string | undefined, references: string[] = [], sent = seq): MessageFacts {
  return { seq, arrival: seq, sent, size: 0, subject: baseSubject(subject), from: '', to: '', cc: '', messageId, references };
}

describe('THREAD REFERENCES', () => {
  it('a reply chain with a missing middle message becomes one thread', () => {
    const threads = referencesThreads([fact(1, 'a', 'a1'), fact(2, 'Re: a', 'a3', ['a1', 'a2'])]);
    assert.equal(threads, '(1 2)');
  });

  it('siblings are nested lists, sorted by sent date', () => {
    const threads = referencesThreads([fact(1, 'a', 'a1', [], 1), fact(2, 'Re: a', 'b', ['a1'], 5), fact(3, 'Re: a', 'c', ['a1'], 3)]);
    assert.equal(threads, '(1 (3)(2))');
  });

  it('references that would make a loop are ignored', () => {
    // Message 1 made m2 its parent first, so m2 naming m1 as its parent is the loop.
    const threads = referencesThreads([fact(1, 'x', 'm1', ['m2']), fact(2, 'y', 'm2', ['m1'])]);
    assert.equal(threads, '(2 1)');
  });

  it('a duplicate or missing Message-ID gives the message an identity of its own', () => {
    const threads = referencesThreads([fact(1, 'p', 'same'), fact(2, 'q', 'same'), fact(3, 'r', undefined)]);
    assert.equal(threads, '(1)(2)(3)');
  });

  it('threads as deep as a long References header or reply chain, without running out of stack', () => {
    const ids = Array.from({ length: 100000 }, (_, index) => `r${index}`);
    assert.equal(referencesThreads([fact(1, 'x', 'own', ids)]), '(1)');
    const chain = Array.from({ length: 50000 }, (_, index) => fact(index + 1, 'chain', `c${index}`, index > 0 ? [`c${index - 1}`] : []));
    const text = referencesThreads(chain);
    assert.ok(text.startsWith('(1 2 3 ') && text.endsWith(' 49999 50000)'));
    const forked = [fact(1, 'f', 'f0'), ...Array.from({ length: 20000 }, (_, index) => fact(index + 2, 'f', `f${index + 1}`, [`f${(index >> 1) * 2}`]))];
    assert.match(referencesThreads(forked), /^\(1 \(2\)\(3 \(4\)\(5 /);
  });

  it('ids repeated to close a loop again and again link only where they first appear', () => {
    const chain = Array.from({ length: 20000 }, (_, index) => `x${index}`);
    const pingPong = Array.from({ length: 40000 }, () => ['x0', 'x19999']).flat();
    assert.equal(referencesThreads([fact(1, 'x', 'own', [...chain, ...pingPong])]), '(1)');
    // The last reference is still the parent.
    assert.equal(referencesThreads([fact(1, 'a', 'a'), fact(2, 'b', 'b'), fact(3, 'c', 'c', ['a', 'b', 'a'])]), '(1 (2)(3))');
  });

  it('a dummy root with several children stays; with one it is replaced by the child', () => {
    assert.equal(referencesThreads([fact(1, 'u', 'x1', ['gone']), fact(2, 'v', 'x2', ['gone'])]), '((1)(2))');
    assert.equal(referencesThreads([fact(1, 'u', 'x1', ['gone'])]), '(1)');
  });

  it('roots with the same base subject are gathered (a reply under the original)', () => {
    assert.equal(referencesThreads([fact(1, 'Topic', 't1'), fact(2, 'Re: Topic', 't2')]), '(1 2)');
    assert.equal(referencesThreads([fact(1, 'Re: Topic', 't1'), fact(2, 'Re: Topic', 't2')]), '((1)(2))');
  });
});

describe('THREAD ORDEREDSUBJECT', () => {
  it('groups by base subject, first message as parent, threads by date of their first message', () => {
    const threads = orderedSubjectThreads([fact(1, 'b', 'x'), fact(2, 'a', 'y'), fact(3, 'Re: b', 'z'), fact(4, 'Re: b', 'w'), fact(5, 'Re: a', 'v')]);
    assert.equal(threads, '(1 (3)(4))(2 5)');
  });
});
