import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headAndLines, wireForm } from '../../../lib/pop3/message';

const cases: Array<[string, string, string]> = [
  ['plain message is sent as is', 'Subject: a\r\n\r\nbody\r\n', 'Subject: a\r\n\r\nbody\r\n'],
  ['a leading dot line is stuffed', 'Subject: a\r\n\r\n.\r\n..x\r\n', 'Subject: a\r\n\r\n..\r\n...x\r\n'],
  ['a dot at the very start is stuffed', '.hidden: x\r\n\r\nb\r\n', '..hidden: x\r\n\r\nb\r\n'],
  ['dots inside a line are not', 'a\r\n\r\nx.y\r\n .z\r\n', 'a\r\n\r\nx.y\r\n .z\r\n'],
  ['a missing final CRLF is added', 'a\r\n\r\nlast', 'a\r\n\r\nlast\r\n'],
  ['an empty message stays empty', '', ''],
  ['a final dot line without CRLF', 'a\r\n\r\n.', 'a\r\n\r\n..\r\n'],
];

describe('pop3 wire form', () => {
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const message = Buffer.from(input);
      assert.equal(wireForm(message).toString(), expected);
    });
  }

  it('returns the same buffer when nothing changes', () => {
    const message = Buffer.from('a\r\n\r\nb\r\n');
    assert.equal(wireForm(message), message);
  });
});

describe('TOP selection', () => {
  const message = Buffer.from('From: x\r\nSubject: y\r\n\r\nline1\r\nline2\r\nline3\r\n');
  const cases: Array<[number, string]> = [
    [0, 'From: x\r\nSubject: y\r\n\r\n'],
    [1, 'From: x\r\nSubject: y\r\n\r\nline1\r\n'],
    [3, 'From: x\r\nSubject: y\r\n\r\nline1\r\nline2\r\nline3\r\n'],
    [99, 'From: x\r\nSubject: y\r\n\r\nline1\r\nline2\r\nline3\r\n'],
  ];
  for (const [lines, expected] of cases) {
    it(`header plus ${lines} lines`, () => assert.equal(headAndLines(message, lines).toString(), expected));
  }

  it('a message without a blank line is all header', () => {
    assert.equal(headAndLines(Buffer.from('A: b\r\nC: d\r\n'), 0).toString(), 'A: b\r\nC: d\r\n');
  });

  it('an empty header', () => {
    assert.equal(headAndLines(Buffer.from('\r\nbody\r\nmore\r\n'), 1).toString(), '\r\nbody\r\n');
  });

  it('a last line without CRLF', () => {
    assert.equal(headAndLines(Buffer.from('A: b\r\n\r\nend'), 5).toString(), 'A: b\r\n\r\nend');
  });
});
