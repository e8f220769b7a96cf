// Protocol fuzzing of the real bin/imapd (issue 9, item 1): mutated recorded
// sessions, random bytes and valid commands in the wrong state, over pipes
// as inetd would connect them, pre-authenticated as an ordinary user or
// started as root and logging in (UW password file or PAM). Every session
// must get well-formed answers, end without a crash, a hang or a byte on
// fd 2, and leave the mailboxes intact. STRESS=1 runs the long campaign;
// FUZZ_SESSIONS, FUZZ_SEED and FUZZ_ONLY pick the size, the seed, one session.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCampaign, sessionCount } from './fuzz/campaign';
import { imapPlan } from './fuzz/imap-plans';
import { parseResponses, responseProblem } from './fuzz/imap-responses';
import { runImapSession } from './fuzz/imap-session';
import { PAM_USER, PREAUTH_USER, VIRTUAL_USER } from './fuzz/mail-area';

const SESSIONS = sessionCount(1200, 60000);

describe('imapd protocol fuzzing', () => {
  it(`answers ${SESSIONS} hostile sessions cleanly and keeps the mail`, { timeout: 6 * 3600_000 }, (t) =>
    checkCampaign(t, 'IMAP', {
      name: 'imap',
      sessions: SESSIONS,
      concurrency: 3,
      users: [PREAUTH_USER, VIRTUAL_USER, PAM_USER],
      plan: (random) => imapPlan(random, true),
      run: runImapSession,
    }));
});

describe('the fuzzer\'s IMAP response checks', () => {
  const problemsOf = (text: string): (string | undefined)[] =>
    parseResponses(Buffer.from(text, 'latin1'), 0).responses.map((response) => responseProblem(response));

  it('accept well-formed responses, literals included', () => {
    const good = '* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n* 1 FETCH (UID 4 BODY[] {5}\r\nab)\r\n FLAGS (\\Seen))\r\n* 2 EXISTS\r\n+ idling\r\na1 OK [READ-WRITE] done\r\n* LIST (\\Noselect) "/" "a \\"b\\""\r\n';
    assert.deepEqual(problemsOf(good), [undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reject what a client could not parse', () => {
    const bad = ['x1 MAYBE fine\r\n', '* 1 FETCH (FLAGS (\\Seen)\r\n', '* LIST () "/" "a\\b"\r\n', 'a+b OK done\r\n', 'a OK\r\n', '* OK caf\xe9\r\n', '* SEARCH 1\0\r\n', 'a NO [SERVERBUG] oops\r\n', '* 3 EXPUNGE now\r\n', '* WHATEVER\r\n'];
    for (const text of bad) assert.notEqual(problemsOf(text)[0], undefined, JSON.stringify(text));
  });

  it('keep an unfinished response (a literal still arriving) for later', () => {
    const parsed = parseResponses(Buffer.from('* 1 FETCH (BODY[] {10}\r\nabc', 'latin1'), 0);
    assert.deepEqual([parsed.responses.length, parsed.consumed], [0, 0]);
  });
});
