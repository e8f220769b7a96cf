// becomeUser in a real process as root: after the switch every uid and gid
// is the user's, setuid(0) and seteuid(0) fail, and a root account is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';
import { requireRoot } from '../helpers/require';

function runAsRoot(body: string): { stdout: string; status: number | null } {
  const script = `const { becomeUser } = require(${JSON.stringify(`${ROOT}/lib/auth/identity.ts`)});\n${body}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: result.stdout, status: result.status };
}

describe('becomeUser', () => {
  it('switches real, effective and saved ids and leaves no way back to root', (t) => {
    if (!requireRoot(t)) return;
    const { stdout, status } = runAsRoot(`
      becomeUser({ name: 'nobody', uid: 65534, gid: 65534, home: '/' });
      const status = require('fs').readFileSync('/proc/self/status', 'utf8');
      const ids = (field) => status.split('\\n').find((line) => line.startsWith(field + ':')).split(/\\s+/).slice(1).filter(Boolean).join(' ');
      const fails = (fn) => { try { fn(); return 'allowed'; } catch { return 'refused'; } };
      console.log(JSON.stringify({ uid: ids('Uid'), gid: ids('Gid'), groups: ids('Groups'), setuid: fails(() => process.setuid(0)),
        seteuid: fails(() => process.seteuid(0)), setgid: fails(() => process.setgid(0)), cwd: process.cwd() }));
    `);
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), {
      uid: '65534 65534 65534 65534', gid: '65534 65534 65534 65534', groups: '65534',
      setuid: 'refused', seteuid: 'refused', setgid: 'refused', cwd: '/',
    });
  });

  it('refuses to become a root account', (t) => {
    if (!requireRoot(t)) return;
    const { stdout } = runAsRoot(`
      try { becomeUser({ name: 'toor', uid: 0, gid: 0, home: '/' }); console.log('switched'); }
      catch (error) { console.log(error.name + ' ' + process.getuid()); }
    `);
    assert.equal(stdout.trim(), 'PrivilegeError 0');
  });
});
