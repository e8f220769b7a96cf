// Address lists as UW renders them in ENVELOPE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Address, MISSING_HOST, SYNTAX_ERROR, parseAddressList } from '../../../lib/mail/mime/address';

const cases: Array<[string, Address[]]> = [
  ['a@b.c', [{ mailbox: 'a', host: 'b.c' }]],
  ['John Doe <john@example.com>', [{ name: 'John Doe', mailbox: 'john', host: 'example.com' }]],
  ['"Doe, John" <john@example.com>', [{ name: 'Doe, John', mailbox: 'john', host: 'example.com' }]],
  ['"a \\"q\\"" <x@y>', [{ name: 'a "q"', mailbox: 'x', host: 'y' }]],
  ['bbb@ddd.com (John X. Doe)', [{ name: 'John X. Doe', mailbox: 'bbb', host: 'ddd.com' }]],
  ['x@y, , z@w', [{ mailbox: 'x', host: 'y' }, { mailbox: 'z', host: 'w' }]],
  ['foo', [{ mailbox: 'foo', host: MISSING_HOST }]],
  ['<@r1.example,@r2.example:user@host>', [{ adl: '@r1.example,@r2.example', mailbox: 'user', host: 'host' }]],
  ['"quoted local"@example.com', [{ mailbox: 'quoted local', host: 'example.com' }]],
  ['first.last@[192.0.2.1]', [{ mailbox: 'first.last', host: '[192.0.2.1]' }]],
  ['IETF-Announce:;', [{ mailbox: 'IETF-Announce' }, {}]],
  [
    'Friends: a@b, C <c@d>; e@f',
    [{ mailbox: 'Friends' }, { mailbox: 'a', host: 'b' }, { name: 'C', mailbox: 'c', host: 'd' }, {}, { mailbox: 'e', host: 'f' }],
  ],
  ['MAILER DAEMON <>', [{ mailbox: 'MAILER', host: MISSING_HOST }, SYNTAX_ERROR]],
  ['a@b junk', [{ mailbox: 'a', host: 'b' }, SYNTAX_ERROR]],
  ['=?utf-8?q?Jos=C3=A9?= <jose@example.org>', [{ name: '=?utf-8?q?Jos=C3=A9?=', mailbox: 'jose', host: 'example.org' }]],
  ['<unterminated@example.com', [{ mailbox: 'unterminated', host: 'example.com' }]],
  ['"unterminated quote <a@b>', [{ mailbox: 'unterminated quote <a@b>', host: MISSING_HOST }]],
  ['', []],
  ['@', [SYNTAX_ERROR]],
];

describe('address lists', () => {
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseAddressList(input), expected));
  }
});
