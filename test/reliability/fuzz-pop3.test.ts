// Protocol fuzzing of the real bin/ipop3d (issue 9, item 1): mutated client
// sessions, random bytes and valid commands in the wrong state, over pipes
// as inetd would connect them, started as root and logging in through the
// UW password file (USER/PASS, APOP, AUTH) or PAM. Every line must get one
// well-formed answer, the process must end without a crash, a hang or a
// byte on fd 2, and the maildrop must keep every message not deleted.
// STRESS=1 runs the long campaign (see fuzz-imap.test.ts for the FUZZ_ variables).
import { describe, it } from 'node:test';
import { checkCampaign, sessionCount } from './fuzz/campaign';
import { PAM_USER, VIRTUAL_USER } from './fuzz/mail-area';
import { pop3Plan } from './fuzz/pop-plans';
import { runPop3Session } from './fuzz/pop3-session';

const SESSIONS = sessionCount(600, 25000);

describe('ipop3d protocol fuzzing', () => {
  it(`answers ${SESSIONS} hostile sessions cleanly and keeps the mail`, { timeout: 6 * 3600_000 }, (t) =>
    checkCampaign(t, 'POP3', { name: 'pop3', sessions: SESSIONS, concurrency: 3, users: [VIRTUAL_USER, PAM_USER], plan: (random) => pop3Plan(random, true), run: runPop3Session }));
});
