// Our hosts_access verdicts against Debian's own oracle, tcpdmatch (package
// tcpd), on the same hosts.allow/hosts.deny files. Host names come from a
// private /etc/hosts bind-mounted in a mount namespace (unshare -m, root),
// so tcpdmatch resolves the test names without touching the real system.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decideAccess, hostInfo, parseAccessTable, PARANOID, UNKNOWN, type HostInfo } from '../../../lib/net/hostsaccess';
import { IS_ROOT, requireProgram, requireThat } from '../../helpers/require';

const TCPDMATCH = '/usr/sbin/tcpdmatch';

const HOSTS: Record<string, string> = {
  localhost: '127.0.0.1',
  'mail.example.com': '10.1.2.3',
  'pc1.lab.example.com': '10.1.2.4',
  lonely: '10.1.2.5',
  'gw.example.net': '192.168.7.9',
  'v6host.example.org': '2001:db8::5',
};
const NAME_OF = new Map(Object.entries(HOSTS).map(([name, address]) => [address, name]));

interface Case {
  readonly allow: string;
  readonly deny: string;
  /** daemon or daemon@server-address */
  readonly daemon: string;
  /** an address, a name from HOSTS, "paranoid" or "unknown" */
  readonly client: string;
}

const ADDRESS_CLIENTS = ['10.1.2.3', '10.1.2.4', '10.9.9.9', '192.168.7.9', '127.0.0.1', '::1', '2001:db8::5', '2001:db8:1::1', PARANOID, UNKNOWN];
const NAME_CLIENTS = Object.keys(HOSTS);

const CLIENT_PATTERNS = [
  'ALL', 'LOCAL', 'KNOWN', 'UNKNOWN', 'PARANOID', 'unknown',
  '10.1.2.3', '10.1.2.', '10.1.', '10.', '192.168.', '127.', '127.0.0.1',
  '10.0.0.0/255.0.0.0', '10.1.2.0/255.255.255.0', '10.1.2.4/255.255.255.252', '10.1.2.3/255.255.255.0',
  '10.1.2.0/24', '10.1.2.3/32', '10.1.2.4/30', '192.168.0.0/16', '10.0.0.0/8', '10.0.0.0/1',
  '10.1.2.3/255.255.255.255', '0.0.0.0/0.0.0.0', '0.0.0.0/0', '012.1.2.3/255.255.255.255', '10.1.2.3/33',
  '.example.com', '.lab.example.com', '.EXAMPLE.COM', 'example.com', 'mail.example.com', 'MAIL.Example.COM', 'mail', 'lonely', 'localhost',
  '*.example.com', 'mail.*', '?onely', '10.1.2.?', '10.*', '*', '*.3', '.ex*.com',
  '[::1]', '[0:0:0:0:0:0:0:1]', '[2001:db8::5]', '[2001:DB8::5]', '[2001:db8::]/32', '[2001:db8::]/33', '[2001:db8::]/128',
  '[2001:db8::5]/128', '[2001:db8::1]/64', '[::]/0', '[::ffff:10.1.2.3]', '[10.1.2.3]', '[::1', '[garbage]',
  '@netgroup', 'ALL@ALL', 'KNOWN@ALL', 'UNKNOWN@ALL', 'bob@ALL', 'ALL@10.1.2.3',
  'ALL EXCEPT 10.1.2.3', 'ALL except 10.1.2.3', '.example.com EXCEPT pc1.lab.example.com', 'ALL EXCEPT 10. EXCEPT 10.1.2.3',
  'EXCEPT 10.1.2.3', '10.1.2.3 EXCEPT', 'LOCAL EXCEPT localhost', 'KNOWN EXCEPT PARANOID', 'ALL EXCEPT UNKNOWN',
  '10.9.9.9, 10.1.2.3', '10.9.9.9,,\t10.1.2.4  192.168.7.9',
];

function patternCases(includeNames: boolean): Case[] {
  const clients = includeNames ? [...ADDRESS_CLIENTS, ...NAME_CLIENTS] : ADDRESS_CLIENTS;
  return CLIENT_PATTERNS.flatMap((pattern) =>
    clients.map((client) => ({ allow: `imapd: ${pattern}\n`, deny: 'ALL: ALL\n', daemon: 'imapd', client })),
  );
}

/** Rules about files, daemon lists and options, for a few clients each. */
function ruleCases(patternFile: string, includeNames: boolean): Case[] {
  const rows: Array<[string, string, string]> = [
    // [allow, deny, daemon]
    ['imapd: 10.1.2.3', 'ALL: ALL\n', 'imapd'],
    ['# imapd: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    [' # imapd: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    [' # foo: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['imapd 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: \\\n 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['imapd,ipop3d  ,\t ipop2d:10.1.2.3 ,, 10.9.9.9\n', 'ALL:ALL\n', 'ipop2d'],
    ['\n\n  \nimapd : 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['ALL EXCEPT ipop3d: ALL\n', 'ALL: ALL\n', 'imapd'],
    ['ALL EXCEPT ipop3d: ALL\n', 'ALL: ALL\n', 'ipop3d'],
    ['IMAPD: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['imap*: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['imap?: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    ['.pop3d: ALL\n', 'ALL: ALL\n', 'ipop3d'],
    ['ipop.: ALL\n', 'ALL: ALL\n', 'ipop3d'],
    ['KNOWN: ALL\n', 'ALL: ALL\n', 'ipop3d'],
    ['imapd@10.1.2.3: ALL\n', 'ALL: ALL\n', 'imapd'],
    ['imapd@10.1.2.3: ALL\n', 'ALL: ALL\n', 'imapd@10.1.2.3'],
    ['imapd@10.1.2.0/24: ALL\n', 'ALL: ALL\n', 'imapd@10.1.2.3'],
    ['ALL@10.1.2.3: ALL\n', 'ALL: ALL\n', 'ipop3d@10.1.2.3'],
    ['imapd@mail.example.com: ALL\n', 'ALL: ALL\n', 'imapd@10.1.2.3'],
    ['imapd@LOCAL: ALL\n', 'ALL: ALL\n', 'imapd@10.1.2.5'],
    ['', 'imapd: 10.1.2.3\n', 'imapd'],
    ['', 'imapd: ALL EXCEPT 10.\n', 'imapd'],
    ['ipop3d: ALL\n', 'imapd: ALL\n', 'imapd'],
    ['imapd: 10.9.9.9\nimapd: 10.1.2.3\n', 'ALL: ALL\n', 'imapd'],
    [`imapd: ${patternFile}\n`, 'ALL: ALL\n', 'imapd'],
    ['imapd: /nonexistent/patterns\n', 'ALL: ALL\n', 'imapd'],
    // hosts_options(5)
    ['imapd: 10.1.2.3: allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3 : ALLOW \n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: deny\n', '', 'imapd'],
    ['', 'imapd: 10.1.2.3: allow\n', 'imapd'],
    ['imapd: ALL: allow\nipop3d: ALL: allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: .example.com: allow\nimapd: ALL: deny\n', '', 'imapd'],
    ['imapd: 10.1.2.3: allow extra\n', '', 'imapd'],
    ['imapd: 10.1.2.3:\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3 :  : allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: allow: allow\n', '', 'imapd'],
    ['imapd: 10.1.2.3: deny: allow\n', '', 'imapd'],
    ['imapd: 10.1.2.3: bogus\n', '', 'imapd'],
    ['imapd: 10.1.2.3: allow=\n', '', 'imapd'],
    ['imapd: 10.1.2.3: severity auth.info: allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: allow: severity auth.info\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: severity=local0.notice\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: severity info\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: severity bogus\n', '', 'imapd'],
    ['imapd: 10.1.2.3: severity mail\n', '', 'imapd'],
    ['imapd: 10.1.2.3: spawn echo hi\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: spawn\n', '', 'imapd'],
    ['imapd: 10.1.2.3: spawn echo a\\: b: deny\n', '', 'imapd'],
    ['imapd: 10.1.2.3: spawn echo a\\: b: allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: twist echo bounced\n', '', 'imapd'],
    ['imapd: 10.1.2.3: twist /bin/true: allow\n', '', 'imapd'],
    ['imapd: 10.1.2.3: keepalive: linger 5: nice: nice -5: umask 022: rfc931: rfc931 3: setenv A b: banners /tmp\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: keepalive 5\n', '', 'imapd'],
    ['imapd: 10.1.2.3: linger abc\n', '', 'imapd'],
    ['imapd: 10.1.2.3: umask 08\n', '', 'imapd'],
    ['imapd: 10.1.2.3: nice 5x\n', '', 'imapd'],
    ['imapd: 10.1.2.3: rfc931 -1\n', '', 'imapd'],
    ['imapd: 10.1.2.3: setenv\n', '', 'imapd'],
    ['imapd: 10.1.2.3: group nogroup\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: 10.1.2.3: al\\low\n', '', 'imapd'],
    ['imapd: [2001:db8::5] : allow\n', 'ALL: ALL\n', 'imapd'],
    ['imapd: [2001:db8::]/32: deny\n', '', 'imapd'],
  ];
  const clients = includeNames ? ['10.1.2.3', '10.9.9.9', '2001:db8::5', 'pc1.lab.example.com'] : ['10.1.2.3', '10.9.9.9', '2001:db8::5'];
  return rows.flatMap(([allow, deny, daemon]) => clients.map((client) => ({ allow, deny, daemon, client })));
}

/** The client as tcpdmatch models it: an address alone has no name. */
function clientInfo(client: string): HostInfo {
  if (client === PARANOID) return hostInfo(UNKNOWN, PARANOID);
  if (client === UNKNOWN) return hostInfo(UNKNOWN, UNKNOWN);
  const address = HOSTS[client];
  return address ? hostInfo(address, client) : hostInfo(client, UNKNOWN);
}

/** tcpdmatch looks up the name of a server address. */
function serverInfo(daemon: string, withNames: boolean): HostInfo {
  const at = daemon.indexOf('@');
  if (at < 0) return hostInfo(UNKNOWN, UNKNOWN);
  const address = daemon.slice(at + 1);
  return hostInfo(address, (withNames && NAME_OF.get(address)) || UNKNOWN);
}

function ourVerdict(item: Case, withNames: boolean): string {
  const allow = parseAccessTable(item.allow, 'hosts.allow');
  const deny = parseAccessTable(item.deny, 'hosts.deny');
  const daemon = item.daemon.split('@')[0] ?? item.daemon;
  const verdict = decideAccess(allow, deny, { daemon, client: clientInfo(item.client), server: serverInfo(item.daemon, withNames), user: UNKNOWN });
  return verdict.allowed ? 'granted' : 'denied';
}

function canUseNamespace(): boolean {
  if (!IS_ROOT) return false;
  return spawnSync('unshare', ['-m', 'true']).status === 0;
}

/** Runs every case through tcpdmatch in one shell; returns its verdicts. */
function tcpdmatchVerdicts(cases: readonly Case[], dir: string, hostsFile: string | undefined): string[] {
  const script: string[] = ['set -u'];
  if (hostsFile) script.push(`mount --bind '${hostsFile}' /etc/hosts || exit 99`);
  cases.forEach((item, index) => {
    const caseDir = join(dir, `case-${index}`);
    mkdirSync(caseDir);
    writeFileSync(join(caseDir, 'hosts.allow'), item.allow);
    writeFileSync(join(caseDir, 'hosts.deny'), item.deny);
    script.push(`cd '${caseDir}' && ${TCPDMATCH} -d '${item.daemon}' '${item.client}' > out 2>&1`);
  });
  const scriptPath = join(dir, 'run.sh');
  writeFileSync(scriptPath, `${script.join('\n')}\n`);
  const command = hostsFile ? ['unshare', '-m', 'sh', scriptPath] : ['sh', scriptPath];
  const result = spawnSync(command[0] ?? 'sh', command.slice(1), { encoding: 'utf8' });
  assert.notEqual(result.status, 99, `could not bind-mount the test hosts file: ${result.stderr}`);
  return cases.map((_, index) => {
    const out = readFileSync(join(dir, `case-${index}`, 'out'), 'utf8');
    const verdicts = [...out.matchAll(/^access:\s+(\S+)/gm)].map((match) => match[1]);
    // We never run commands: twist ("delegated") refuses the client.
    return verdicts.map((verdict) => (verdict === 'delegated' ? 'denied' : verdict)).join(',') || `no verdict: ${out.trim()}`;
  });
}

test('hosts_access verdicts agree with tcpdmatch', (t) => {
  if (!requireProgram(t, TCPDMATCH, 'tcpd')) return;
  const withNames = canUseNamespace();
  const dir = mkdtempSync(join(tmpdir(), 'tcpdmatch-'));
  try {
    const patternFile = join(dir, 'patterns');
    writeFileSync(patternFile, '10.9.9.9\n# a comment is just more patterns .lab.example.com\n[2001:db8::5]\n');
    let hostsFile: string | undefined;
    if (withNames) {
      hostsFile = join(dir, 'hosts');
      writeFileSync(hostsFile, Object.entries(HOSTS).map(([name, address]) => `${address} ${name}`).join('\n') + '\n');
    }
    const cases = [...patternCases(withNames), ...ruleCases(patternFile, withNames)];
    const expected = tcpdmatchVerdicts(cases, dir, hostsFile);
    const mismatches = cases.flatMap((item, index) => {
      const ours = ourVerdict(item, withNames);
      return expected[index] === ours ? [] : [`${JSON.stringify(item)}: tcpdmatch ${expected[index]}, ours ${ours}`];
    });
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${cases.length} verdicts differ`);
    t.diagnostic(`${cases.length} verdicts compared${withNames ? '' : ' (address clients only)'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  requireThat(t, withNames, 'host-name cases need root and unshare -m (a private /etc/hosts)');
});
