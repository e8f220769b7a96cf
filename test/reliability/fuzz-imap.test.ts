// Protocol fuzzing of the real bin/imapd (issue 9, item 1): mutated recorded
// sessions, random bytes and valid commands in the wrong state, over pipes
// as inetd would connect them, pre-authenticated as an ordinary user or
// started as root and logging in (UW password file or PAM). Every session
// must get well-formed answers, end without a crash, a hang or a byte on
// fd 2, and leave the mailboxes intact. STRESS=1 runs the long campaign.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureTestUsers } from '../helpers/users';
import { requireRoot } from '../helpers/require';
import { describeFailure, runCampaign, sessionCount, summary } from './fuzz/campaign';
import { imapPlan } from './fuzz/imap-plans';
import { runImapSession } from './fuzz/imap-session';
import { PAM_USER, PREAUTH_USER, VIRTUAL_USER } from './fuzz/mail-area';

const SESSIONS = sessionCount(800, 60000);

describe('imapd protocol fuzzing', () => {
  it(`answers ${SESSIONS} hostile sessions cleanly and keeps the mail`, { timeout: 6 * 3600_000 }, async (t) => {
    if (!requireRoot(t)) return;
    ensureTestUsers();
    const report = await runCampaign({
      name: 'imap',
      sessions: SESSIONS,
      concurrency: 3,
      users: [PREAUTH_USER, VIRTUAL_USER, PAM_USER],
      plan: (random) => imapPlan(random, true),
      run: runImapSession,
    });
    t.diagnostic(summary('IMAP', report));
    const shown = report.failures.slice(0, 5).map((failure) => describeFailure('imap', report.seed, failure));
    assert.equal(report.failures.length, 0, `${report.failures.length} failing sessions:\n${shown.join('\n')}`);
  });
});
