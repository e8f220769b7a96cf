// hosts_access behaviour that tcpdmatch cannot show: when names are looked
// up (and when not), the paranoid check, files on disk, and the matcher
// other modules reuse. Verdict semantics are compared with tcpdmatch in
// ./tcpdmatch.test.ts.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../lib/config/config';
import { accessTableProblems, checkHostsAccess, matchesClientList, parseAccessTable, peerMatchesClientList } from '../../../lib/net/hostsaccess';
import { verifiedHostName, type NameResolver } from '../../../lib/net/hostsaccess/lookup';

/** A resolver that records every question it is asked. */
function fakeResolver(reverse: Record<string, string>, forward: Record<string, string[]>): NameResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async reverse(address) {
      asked.push(`reverse ${address}`);
      return reverse[address];
    },
    async forward(name) {
      asked.push(`forward ${name}`);
      const answer = forward[name];
      if (!answer) throw new Error('ENOTFOUND');
      return answer;
    },
  };
}

function withFiles(allow: string, deny: string, run: (config: ReturnType<typeof loadConfig>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hostsaccess-'));
  writeFileSync(join(dir, 'hosts.allow'), allow);
  writeFileSync(join(dir, 'hosts.deny'), deny);
  const config = loadConfig({ path: '/dev/null', overrides: [`hosts-allow=${join(dir, 'hosts.allow')}`, `hosts-deny=${join(dir, 'hosts.deny')}`] });
  return run(config).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const peer = (address: string) => ({ address, port: 40000 });

test('address-only rules never cause a DNS lookup', async () => {
  const resolver = fakeResolver({ '10.1.2.3': 'mail.example.com' }, { 'mail.example.com': ['10.1.2.3'] });
  await withFiles('imapd: 127.0.0.1 [::1] 192.168. 10.0.0.0/8 : allow\n', 'ALL: ALL\n', async (config) => {
    assert.equal((await checkHostsAccess('imapd', peer('10.1.2.3'), config, { resolver })).allowed, true);
    assert.equal((await checkHostsAccess('imapd', peer('172.16.0.1'), config, { resolver })).allowed, false);
    assert.equal((await checkHostsAccess('ipop3d', peer('10.1.2.3'), config, { resolver })).allowed, false);
  });
  assert.deepEqual(resolver.asked, []);
});

test('a name is looked up only when a rule that could decide needs it', async () => {
  const resolver = fakeResolver({ '10.1.2.3': 'mail.example.com' }, { 'mail.example.com': ['10.1.2.3'] });
  await withFiles('ipop3d: .example.com\nimapd: 10.1.2.3\n', 'ALL: ALL\n', async (config) => {
    assert.equal((await checkHostsAccess('imapd', peer('10.1.2.3'), config, { resolver })).allowed, true);
    assert.deepEqual(resolver.asked, []);
    const verdict = await checkHostsAccess('ipop3d', peer('10.1.2.3'), config, { resolver });
    assert.equal(verdict.allowed, true);
    assert.match(verdict.reason, /hosts\.allow:1$/);
  });
  assert.deepEqual(resolver.asked, ['reverse 10.1.2.3', 'forward mail.example.com']);
});

test('a reverse name that does not resolve back to the address is paranoid', async () => {
  const resolver = fakeResolver({ '10.6.6.6': 'bank.example.com', '10.7.7.7': 'gone.example.com' }, { 'bank.example.com': ['192.0.2.1'] });
  assert.equal(await verifiedHostName('10.6.6.6', resolver), 'paranoid');
  assert.equal(await verifiedHostName('10.7.7.7', resolver), 'paranoid');
  assert.equal(await verifiedHostName('10.8.8.8', resolver), 'unknown');
  await withFiles('imapd: .example.com\n', 'imapd: PARANOID\n', async (config) => {
    assert.equal((await checkHostsAccess('imapd', peer('10.6.6.6'), config, { resolver })).allowed, false);
  });
});

test('IPv4 clients on IPv6 sockets and IPv6 forward answers compare by value', async () => {
  const resolver = fakeResolver({ '2001:db8::5': 'v6.example.org' }, { 'v6.example.org': ['2001:0db8:0:0:0:0:0:5'] });
  assert.equal(await verifiedHostName('2001:db8::5', resolver), 'v6.example.org');
});

test('pipes (no peer) are always let in; a missing file is an empty one', async () => {
  await withFiles('', 'ALL: ALL\n', async (config) => {
    assert.deepEqual(await checkHostsAccess('imapd', undefined, config), { allowed: true, reason: 'not a network connection' });
  });
  const config = loadConfig({ path: '/dev/null', overrides: ['hosts-allow=/nonexistent/a', 'hosts-deny=/nonexistent/d'] });
  assert.equal((await checkHostsAccess('imapd', peer('10.1.2.3'), config)).allowed, true);
});

test('a deny file that exists but cannot be read refuses (fail closed)', async () => {
  await withFiles('', '', async (config) => {
    const deny = config.string('hosts-deny');
    rmSync(deny);
    mkdirSync(deny);
    chmodSync(deny, 0o000);
    const verdict = await checkHostsAccess('imapd', peer('10.1.2.3'), config);
    assert.equal(verdict.allowed, false);
    assert.match(verdict.reason, /cannot read/);
  });
});

test('twist and aclexec refuse instead of running a command', async () => {
  await withFiles('imapd: ALL: twist /bin/echo hello\nipop3d: ALL: aclexec /bin/true\n', '', async (config) => {
    const twist = await checkHostsAccess('imapd', peer('10.1.2.3'), config);
    assert.equal(twist.allowed, false);
    assert.match(twist.reason, /twist is not supported/);
    assert.equal((await checkHostsAccess('ipop3d', peer('10.1.2.3'), config)).allowed, false);
  });
});

test('the severity option travels with the verdict', async () => {
  await withFiles('', 'imapd: ALL: severity auth.notice\n', async (config) => {
    assert.deepEqual(await checkHostsAccess('imapd', peer('10.1.2.3'), config), {
      allowed: false,
      reason: `${config.string('hosts-deny')}:1`,
      severity: 'auth.notice',
    });
  });
});

test('the guide\'s hosts.allow lets everyone in', async () => {
  await withFiles('imapd : ALL : allow\nipop3d : ALL : allow\n', 'ALL : ALL\n', async (config) => {
    for (const program of ['imapd', 'ipop3d']) assert.equal((await checkHostsAccess(program, peer('203.0.113.9'), config)).allowed, true);
    assert.equal((await checkHostsAccess('ipop2d', peer('203.0.113.9'), config)).allowed, false);
  });
});

test('matchesClientList: the pattern language for other policies', () => {
  assert.equal(matchesClientList('127.0.0.1 [::1]', { address: '127.0.0.1' }), true);
  assert.equal(matchesClientList(['127.0.0.1', '[::1]'], { address: '::1' }), true);
  assert.equal(matchesClientList('10.0.0.0/8, 192.168.', { address: '192.168.1.20' }), true);
  assert.equal(matchesClientList('ALL EXCEPT 10.', { address: '10.1.1.1' }), false);
  assert.equal(matchesClientList('LOCAL', { address: '127.0.0.1' }), false);
  assert.equal(matchesClientList('LOCAL', { address: '127.0.0.1', name: 'localhost' }), true);
  assert.equal(matchesClientList('.example.com', { address: '10.1.2.3', name: 'mail.example.com' }), true);
  assert.equal(matchesClientList('', { address: '10.1.2.3' }), false);
});

test('peerMatchesClientList looks the name up only when needed', async () => {
  const resolver = fakeResolver({ '10.1.2.3': 'mail.example.com' }, { 'mail.example.com': ['10.1.2.3'] });
  assert.equal(await peerMatchesClientList('10.1.2.3', peer('10.1.2.3'), resolver), true);
  assert.deepEqual(resolver.asked, []);
  assert.equal(await peerMatchesClientList('127.0.0.1 .example.com', peer('10.1.2.3'), resolver), true);
  assert.equal(await peerMatchesClientList('127.0.0.1', undefined, resolver), false);
});

test('parseAccessTable reports lines libwrap skips', () => {
  const table = parseAccessTable('imapd ALL\n# comment\nipop3d: ALL : deny\nimapd: 10.', 'hosts.allow');
  assert.deepEqual(table.rules.map((rule) => [rule.line, rule.daemons, rule.clients, rule.options]), [[3, 'ipop3d', ' ALL ', ' deny']]);
  assert.deepEqual(table.problems, ['hosts.allow:1: missing ":" separator', 'hosts.allow:4: missing newline at end of file; the line is ignored']);
});

test('accessTableProblems: what --check reports about a file', () => {
  const text = [
    'imapd : ALL : allow',
    'imapd ALL',
    'ipop3d : .example.com : twist /bin/echo go away',
    'ipop3d : 10. : severity loud',
    'imapd : @trusted KNOWN@.example.com ALL@10. UNKNOWN@ALL',
    'imapd : 10.1.2.3 : allow',
  ].join('\n');
  assert.deepEqual(accessTableProblems(text, 'hosts.allow'), [
    'hosts.allow:2: missing ":" separator',
    'hosts.allow:6: missing newline at end of file; the line is ignored',
    'hosts.allow:3: twist is not supported (no shell commands are run); matching clients are refused',
    'hosts.allow:4: bad value for option "severity": loud; matching clients are refused',
    'hosts.allow:5: NIS netgroup @trusted is not supported and never matches',
    'hosts.allow:5: KNOWN@.example.com: client user names are never looked up (no RFC 931), so only ALL@ and UNKNOWN@ can match',
  ]);
  assert.deepEqual(accessTableProblems('imapd : ALL : allow\nipop3d : ALL : allow\n', 'hosts.allow'), []);
});
