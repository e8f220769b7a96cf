// tcp_wrappers inside the daemons, spawned the way inetd spawns them (our
// SuperServer harness): hosts.deny refuses with one line in the protocol's
// words, a syslog line, and a closed connection; hosts.allow lets in.
// The same checks under a real xinetd are in ./inetd-xinetd.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SuperServer } from '../../lib/inetd/superserver';
import { ScriptClient } from '../helpers/client';
import { startInetd } from '../helpers/inetd';
import { FACILITY, SyslogListener } from '../helpers/syslog';

describe('tcp_wrappers under the inetd harness', () => {
  let dir: string;
  let syslog: SyslogListener;
  const servers: SuperServer[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wrappers-'));
    syslog = SyslogListener.start();
    writeFileSync(join(dir, 'hosts.allow'), 'imapd: 10.0.0.0/8 : allow\nipop3d: [::1] 127.0.0.1 : allow\n');
    writeFileSync(join(dir, 'hosts.deny'), 'ALL: ALL: severity auth.notice\n');
    writeFileSync(
      join(dir, 'imapd.cf'),
      [`set hosts-allow ${join(dir, 'hosts.allow')}`, `set hosts-deny ${join(dir, 'hosts.deny')}`, `set syslog-socket ${syslog.path}`, ''].join('\n'),
    );
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    syslog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(program: string): Promise<SuperServer> {
    const server = await startInetd(program, { env: { IMAPD_CONFIG: join(dir, 'imapd.cf') } });
    servers.push(server);
    return server;
  }

  it('imapd refuses a client hosts.deny names: one BYE line, then close, then a log line', async () => {
    const server = await serve('imapd');
    const client = await ScriptClient.connect(server.port);
    assert.equal(await client.line(), '* BYE Access denied');
    await client.closedByServer();
    assert.equal(await client.line(), undefined);
    const record = await syslog.waitFor(/^refused connect from 127\.0\.0\.1$/);
    assert.equal(record.ident, 'imapd');
    assert.equal(record.facility, FACILITY.auth, 'the rule\'s severity option chose facility auth');
    assert.equal(record.severity, 5);
  });

  it('ipop3d lets in a client hosts.allow names, and refuses others with -ERR', async () => {
    const server = await serve('ipop3d');
    const client = await ScriptClient.connect(server.port);
    assert.match((await client.line()) ?? '', /^\+OK /);
    client.send('QUIT');
    assert.match((await client.line()) ?? '', /^\+OK/);
    client.close();

    writeFileSync(join(dir, 'hosts.allow'), 'imapd: 10.0.0.0/8 : allow\n');
    const refused = await ScriptClient.connect(server.port);
    assert.equal(await refused.line(), '-ERR Access denied');
    await refused.closedByServer();
  });
});
