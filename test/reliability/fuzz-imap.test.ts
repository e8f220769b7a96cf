// Protocol fuzzing of the real bin/imapd (issue 9, item 1): mutated recorded
// sessions, random bytes and valid commands in the wrong state, over pipes
// as inetd would connect them, pre-authenticated as an ordinary user or
// started as root and logging in (UW password file or PAM). Every session
// must get well-formed answers, end without a crash, a hang or a byte on
// fd 2, and leave the mailboxes intact. STRESS=1 runs the long campaign;
// FUZZ_SESSIONS, FUZZ_SEED and FUZZ_ONLY pick the size, the seed, one session.
import { describe, it } from 'node:test';
import { checkCampaign, sessionCount } from './fuzz/campaign';
import { imapPlan } from './fuzz/imap-plans';
import { runImapSession } from './fuzz/imap-session';
import { PAM_USER, PREAUTH_USER, VIRTUAL_USER } from './fuzz/mail-area';

const SESSIONS = sessionCount(800, 60000);

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
