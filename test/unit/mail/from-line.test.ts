import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFromLine, fromLineTime, isFromLine } from '../../../lib/mail/mbox/from-line';

function time(line: string): number | undefined {
  const buffer = Buffer.from(line);
  return fromLineTime(buffer, 0, buffer.length);
}

describe('From line recognition (UW rules)', () => {
  // Lines without a zone are in local time.
  const local = (iso: string): string => new Date(iso.replace('Z', '')).toISOString();
  const valid: Array<[string, string]> = [
    ['From fxuser@vm Mon Jan  1 10:00:00 2024 +0000', '2024-01-01T10:00:00.000Z'],
    ['From fxuser@vm  Mon Jan 01 10:00:00 2024', local('2024-01-01T10:00:00.000Z')],
    ['From MAILER-DAEMON Fri Nov 27 17:50:02 2026', local('2026-11-27T17:50:02.000Z')],
    ['From a@b Mon Jan  1 10:00 2024', local('2024-01-01T10:00:00.000Z')],
    ['From a@b Mon Jan  1 10:00:00 PST 2024', '2024-01-01T18:00:00.000Z'],
    ['From a@b Mon Jan  1 10:00:00 2024 PST', '2024-01-01T18:00:00.000Z'],
    ['From a@b Mon Jan  1 10:00:00 -0130 2024', '2024-01-01T11:30:00.000Z'],
    ['From a@b Mon Jan  1 10:00:00 2024 +0200', '2024-01-01T08:00:00.000Z'],
    ['From a@b Mon Jan  1 10:00:00 2024 remote from somehost', local('2024-01-01T10:00:00.000Z')],
    ['From a@b Mon Jan  1 10:00:00 2024\r', local('2024-01-01T10:00:00.000Z')],
  ];
  for (const [line, iso] of valid) {
    it(`accepts ${JSON.stringify(line)}`, () => {
      const parsed = time(line);
      assert.notEqual(parsed, undefined);
      assert.equal(new Date(parsed ?? 0).toISOString(), iso);
    });
  }

  const invalid = [
    'From the start of a line',
    'From: Alice <alice@example.com>',
    'From someone who wrote on Monday',
    'From x Mon Jan  1 10-00-00 2024',
    'From a@b Mon Jan  1 2024',
    'From ',
    'Frog a@b Mon Jan  1 10:00:00 2024',
    '>From a@b Mon Jan  1 10:00:00 2024',
  ];
  for (const line of invalid) {
    it(`rejects ${JSON.stringify(line)}`, () => {
      const buffer = Buffer.from(line);
      assert.equal(isFromLine(buffer, 0, buffer.length), false);
    });
  }

  it('gives 0 for a valid line whose date does not parse', () => {
    assert.equal(time('From a@b Mon Foo  1 10:00:00 2024'), 0);
  });

  it('writes UW\'s From line and reads it back', () => {
    const date = new Date(Date.UTC(2024, 0, 1, 10, 0, 0));
    const line = formatFromLine('fxuser@vm', date);
    assert.match(line, /^From fxuser@vm \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} [+-]\d{4}\n$/);
    assert.equal(time(line.trimEnd()), date.getTime());
  });
});
