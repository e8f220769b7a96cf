// SEARCH, SORT and THREAD scripts on search.mbox (eight messages: a reply
// chain, RFC 2047 and Latin-1 text, base64 bodies, a group address, a
// message without Date). Flags are set on the fake mailbox; UIDs are 10…80.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Mailbox } from '../../../lib/mail/types';
import { memoryMailbox, readMbox, runScript } from './harness';

function mailbox(): Mailbox {
  const messages = readMbox(join(__dirname, 'search.mbox'));
  const flags: string[][] = [['\\Seen'], ['\\Seen', '\\Answered'], ['\\Flagged'], ['\\Deleted', '\\Seen'], ['$Work'], [], ['\\Draft'], []];
  messages.forEach((message, index) => {
    message.flags = new Set(flags[index]);
    message.recent = index >= 2;
  });
  return memoryMailbox(messages, false, [10, 20, 30, 40, 50, 60, 70, 80]);
}

/** Runs commands tagged t1, t2… and returns each command's untagged response and tagged status. */
async function answers(commands: readonly (string | Buffer)[]): Promise<string[]> {
  const script = commands.map((command, index) =>
    typeof command === 'string' ? `t${index + 1} ${command}` : Buffer.concat([Buffer.from(`t${index + 1} `), command]),
  );
  const lines = await runScript(mailbox(), script);
  return lines.map((line) => line.replace(/^t\d+ (OK|NO|BAD)( \[[^\]]*\])?.*$/, '$1$2'));
}

const utf8 = (text: string): Buffer => Buffer.from(text);

describe('SEARCH', () => {
  it('flags, RECENT, NEW and OLD, and boolean combinations', async () => {
    assert.deepEqual(
      await answers([
        'SEARCH ALL',
        'SEARCH SEEN',
        'SEARCH UNSEEN',
        'SEARCH NEW',
        'SEARCH OLD',
        'SEARCH ANSWERED FLAGGED',
        'SEARCH OR ANSWERED FLAGGED',
        'SEARCH NOT DELETED',
        'SEARCH KEYWORD $Work',
        'SEARCH UNKEYWORD $Work DRAFT',
        'SEARCH (OR SEEN DRAFT) (NOT ANSWERED)',
        'SEARCH UNDRAFT UNFLAGGED UNANSWERED UNDELETED RECENT',
      ]),
      [
        '* SEARCH 1 2 3 4 5 6 7 8', 'OK',
        '* SEARCH 1 2 4', 'OK',
        '* SEARCH 3 5 6 7 8', 'OK',
        '* SEARCH 3 5 6 7 8', 'OK',
        '* SEARCH 1 2', 'OK',
        '* SEARCH', 'OK',
        '* SEARCH 2 3', 'OK',
        '* SEARCH 1 2 3 5 6 7 8', 'OK',
        '* SEARCH 5', 'OK',
        '* SEARCH 7', 'OK',
        '* SEARCH 1 4 7', 'OK',
        '* SEARCH 5 6 8', 'OK',
      ],
    );
  });

  it('header and text keys: decoded, any charset, case-insensitive', async () => {
    assert.deepEqual(
      await answers([
        'SEARCH FROM alice',
        'SEARCH TO alice',
        'SEARCH CC carol',
        'SEARCH SUBJECT "project PLAN"',
        utf8('SEARCH CHARSET UTF-8 SUBJECT {7+}\r\ngrüße\r\n'),
        utf8('SEARCH CHARSET UTF-8 BODY {5+}\r\ncafé\r\n'),
        Buffer.from('SEARCH CHARSET ISO-8859-1 BODY {4+}\r\nCAF\xc9\r\n', 'latin1'),
        utf8('SEARCH CHARSET UTF-8 BODY {7+}\r\nSTRAßE\r\n'),
        'SEARCH BODY hidden',
        'SEARCH BODY numbers',
        'SEARCH TEXT x-priority',
        'SEARCH TEXT kernel',
        'SEARCH HEADER X-Priority ""',
        'SEARCH HEADER Message-ID p2@',
        'SEARCH BCC anyone',
      ]),
      [
        '* SEARCH 1 4', 'OK',
        '* SEARCH 2 3 5', 'OK',
        '* SEARCH 2', 'OK',
        '* SEARCH 1 2 4', 'OK',
        '* SEARCH 3', 'OK',
        '* SEARCH 2', 'OK',
        '* SEARCH 2', 'OK',
        '* SEARCH 3', 'OK',
        '* SEARCH', 'OK',
        '* SEARCH 5', 'OK',
        '* SEARCH 5', 'OK',
        '* SEARCH 1', 'OK',
        '* SEARCH 5', 'OK',
        '* SEARCH 2', 'OK',
        '* SEARCH', 'OK',
      ],
    );
  });

  it('dates, sizes, WITHIN, sequence sets and UIDs', async () => {
    const sizes = readMbox(join(__dirname, 'search.mbox')).map((message) => message.data.length);
    const largest = Math.max(...sizes);
    assert.deepEqual(
      await answers([
        'SEARCH SINCE 5-Jan-2024',
        'SEARCH BEFORE 2-Jan-2024',
        'SEARCH ON "3-Jan-2024"',
        'SEARCH SENTBEFORE 1-Jan-2024',
        'SEARCH SENTON 3-Jan-2024',
        'SEARCH SENTSINCE 6-Jan-2024',
        `SEARCH LARGER ${largest - 1}`,
        `SEARCH SMALLER ${largest}`,
        'SEARCH YOUNGER 60',
        'SEARCH OLDER 60',
        'SEARCH 2,4:*',
        'SEARCH UID 20:40',
        'UID SEARCH SEEN',
        'UID SEARCH UID 25:*',
        'SEARCH UID 99:*',
      ]),
      [
        '* SEARCH 5 6 7 8', 'OK',
        '* SEARCH 1', 'OK',
        '* SEARCH 3', 'OK',
        '* SEARCH 5', 'OK',
        '* SEARCH 3', 'OK',
        '* SEARCH 6 8', 'OK',
        `* SEARCH ${sizes.indexOf(largest) + 1}`, 'OK',
        `* SEARCH ${sizes.flatMap((size, index) => (size < largest ? [index + 1] : [])).join(' ')}`, 'OK',
        '* SEARCH', 'OK',
        '* SEARCH 1 2 3 4 5 6 7 8', 'OK',
        '* SEARCH 2 4 5 6 7 8', 'OK',
        '* SEARCH 2 3 4', 'OK',
        '* SEARCH 10 20 40', 'OK',
        '* SEARCH 30 40 50 60 70 80', 'OK',
        '* SEARCH 8', 'OK',
      ],
    );
  });

  it('ESEARCH: SEARCH RETURN (MIN MAX ALL COUNT)', async () => {
    assert.deepEqual(
      await answers([
        'SEARCH RETURN (MIN MAX COUNT) UNSEEN',
        'SEARCH RETURN () SEEN',
        'UID SEARCH RETURN (ALL COUNT) DELETED',
        'SEARCH RETURN (MIN) ANSWERED FLAGGED',
        'SEARCH RETURN (COUNT) CHARSET UTF-8 ALL',
      ]),
      [
        '* ESEARCH (TAG "t1") MIN 3 MAX 8 COUNT 5', 'OK',
        '* ESEARCH (TAG "t2") ALL 1:2,4', 'OK',
        '* ESEARCH (TAG "t3") UID ALL 40 COUNT 1', 'OK',
        '* ESEARCH (TAG "t4")', 'OK',
        '* ESEARCH (TAG "t5") COUNT 8', 'OK',
      ],
    );
  });

  it('errors: unknown charset (BADCHARSET), unknown keys, bad dates, nesting limits', async () => {
    assert.deepEqual(
      await answers([
        'SEARCH CHARSET X-KLINGON ALL',
        'SEARCH FOO',
        'SEARCH SINCE 31-Feb-2024',
        `SEARCH ${'NOT '.repeat(100)}ALL`,
        `SEARCH ${'('.repeat(40)}ALL${')'.repeat(40)}`,
        'SEARCH RETURN (SAVE) ALL',
        'SEARCH',
        'SEARCH OR SEEN',
        'SEARCH 9',
      ]),
      ['NO [BADCHARSET (UTF-8 US-ASCII ISO-8859-1)]', 'BAD', 'BAD', 'BAD', 'BAD', 'BAD', 'BAD', 'BAD', '* SEARCH', 'OK'],
    );
  });
});

describe('SORT', () => {
  it('every key, REVERSE, base subjects, ties by sequence number', async () => {
    const sizes = readMbox(join(__dirname, 'search.mbox')).map((message, index) => [message.data.length, index + 1] as const);
    const bySize = [...sizes].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, seq]) => seq);
    assert.deepEqual(
      await answers([
        'SORT (SUBJECT) UTF-8 ALL',
        'SORT (DATE) US-ASCII ALL',
        'SORT (REVERSE ARRIVAL) UTF-8 ALL',
        'SORT (FROM) UTF-8 ALL',
        'SORT (TO SUBJECT) UTF-8 ALL',
        'SORT (CC) UTF-8 ALL',
        'SORT (SIZE) UTF-8 ALL',
        'UID SORT (REVERSE DATE) UTF-8 SEEN',
        'SORT (DATE) UTF-8 KEYWORD none',
        'SORT (FOO) UTF-8 ALL',
        'SORT (DATE) X-KLINGON ALL',
        'SORT DATE UTF-8 ALL',
      ]),
      [
        '* SORT 3 7 8 1 2 4 5 6', 'OK',
        '* SORT 5 1 2 3 4 6 7 8', 'OK',
        '* SORT 8 7 6 5 4 3 2 1', 'OK',
        '* SORT 1 4 2 8 3 5 6 7', 'OK',
        '* SORT 3 2 5 7 1 4 6 8', 'OK',
        '* SORT 1 3 4 5 6 7 8 2', 'OK',
        `* SORT ${bySize.join(' ')}`, 'OK',
        '* SORT 40 20 10', 'OK',
        '* SORT', 'OK',
        'BAD',
        'NO [BADCHARSET (UTF-8 US-ASCII ISO-8859-1)]',
        'BAD',
      ],
    );
  });
});

describe('THREAD', () => {
  it('ORDEREDSUBJECT and REFERENCES, by sequence number and by UID', async () => {
    assert.deepEqual(
      await answers([
        'THREAD ORDEREDSUBJECT UTF-8 ALL',
        'THREAD REFERENCES UTF-8 ALL',
        'UID THREAD REFERENCES UTF-8 ALL',
        'THREAD REFERENCES UTF-8 NOT 1',
        'THREAD REFERENCES UTF-8 KEYWORD none',
        'THREAD FOO UTF-8 ALL',
      ]),
      [
        '* THREAD (5 6)(1 (2)(4))(3)(7 8)', 'OK',
        '* THREAD (5 6)(1 2 4)(3)((7)(8))', 'OK',
        '* THREAD (50 60)(10 20 40)(30)((70)(80))', 'OK',
        '* THREAD (5 6)(2 4)(3)((7)(8))', 'OK',
        '* THREAD', 'OK',
        'BAD',
      ],
    );
  });
});
