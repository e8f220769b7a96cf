// Protocol fuzzing of the real bin/ipop2d (issue 9, item 1): mutated POP2
// client walks (HELO, READ, RETR, ACKS/ACKD/NACK, FOLD), random bytes and
// valid commands in the wrong state, over pipes as inetd would connect
// them, started as root and logging in through the UW password file or PAM.
// Every line must get one well-formed answer (RETR: exactly the announced
// octets), the process must end without a crash, a hang or a byte on fd 2,
// and the folders must keep every message not deleted.
// STRESS=1 runs the long campaign (see fuzz-imap.test.ts for the FUZZ_ variables).
import { describe, it } from 'node:test';
import { checkCampaign, sessionCount } from './fuzz/campaign';
import { PAM_USER, VIRTUAL_USER } from './fuzz/mail-area';
import { pop2Plan } from './fuzz/pop-plans';
import { runPop2Session } from './fuzz/pop2-session';

const SESSIONS = sessionCount(400, 15000);

describe('ipop2d protocol fuzzing', () => {
  it(`answers ${SESSIONS} hostile sessions cleanly and keeps the mail`, { timeout: 6 * 3600_000 }, (t) =>
    checkCampaign(t, 'POP2', { name: 'pop2', sessions: SESSIONS, concurrency: 3, users: [VIRTUAL_USER, PAM_USER], plan: (random) => pop2Plan(random, true), run: runPop2Session }));
});
