import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { claimLogin, loginStampPath } from '../../../lib/pop3/login-delay';

const home = mkdtempSync(join(tmpdir(), 'login-delay-'));
after(() => rmSync(home, { recursive: true, force: true }));

describe('LOGIN-DELAY stamps', () => {
  it('lets the first login in and refuses the next until the delay has passed', () => {
    const start = 1_800_000_000_000;
    assert.equal(claimLogin(home, 'ann', 60, start), 0);
    assert.equal(claimLogin(home, 'ann', 60, start + 1_000), 59);
    assert.equal(claimLogin(home, 'ann', 60, start + 59_500), 1);
    assert.equal(claimLogin(home, 'ann', 60, start + 60_000), 0);
    assert.equal(claimLogin(home, 'ann', 60, start + 61_000), 59, 'the allowed login is the new reference');
  });

  it('keeps users apart and names the stamp safely', () => {
    assert.equal(claimLogin(home, 'bob', 60), 0);
    assert.equal(claimLogin(home, 'carl', 60), 0);
    assert.equal(loginStampPath('/h', '../x'), '/h/.ipop3d-login..._x');
    assert.ok(statSync(loginStampPath(home, 'bob')).isFile());
  });

  it('never refuses when the delay is off or the home is unusable', () => {
    assert.equal(claimLogin(home, 'ann', 0), 0);
    assert.equal(claimLogin('/nonexistent/home', 'ann', 60), 0);
    assert.equal(claimLogin('/nonexistent/home', 'ann', 60), 0);
  });
});
