// log() in the RFC 3164 form UW's syslog(3) calls produced, sent to the
// configured socket; a line nobody receives is dropped; and closeLog()
// leaves nothing behind that would keep a process running.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, test } from 'node:test';
import { closeLog, configureLog, log } from '../../../lib/log/syslog';
import { FACILITY, SyslogListener } from '../../helpers/syslog';

const SYSLOG_MODULE = resolve(__dirname, '../../../lib/log/syslog.ts');
const syslog = SyslogListener.start();
after(() => {
  closeLog();
  syslog.close();
});

test('a line reaches the socket with its facility, severity, ident and pid', async () => {
  configureLog({ ident: 'ipop3d', socketPath: syslog.path });
  log('notice', 'Login failed user=x auth=x host=[192.0.2.1]', 'auth');
  const record = await syslog.waitFor(/^Login failed /);
  assert.equal(record.facility, FACILITY.auth);
  assert.equal(record.severity, 5);
  assert.equal(record.ident, 'ipop3d');
  assert.equal(record.pid, process.pid);
  assert.match(record.raw, /^<37>\w{3} [ \d]\d \d\d:\d\d:\d\d ipop3d\[\d+\]: Login failed /);
});

test('control characters in a message become blanks', async () => {
  configureLog({ ident: 'imapd', socketPath: syslog.path });
  log('info', 'Logout user=a\r\nb\x00c host=UNKNOWN');
  assert.equal((await syslog.waitFor(/^Logout /)).message, 'Logout user=a  b c host=UNKNOWN');
});

test('every line of a burst arrives', async () => {
  configureLog({ ident: 'imapd', socketPath: syslog.path });
  for (let index = 0; index < 5; index++) log('info', `burst ${index}`);
  await syslog.waitFor(/^burst 4$/);
  assert.deepEqual(syslog.messages.filter((message) => message.startsWith('burst ')), ['burst 0', 'burst 1', 'burst 2', 'burst 3', 'burst 4']);
});

test('after closeLog() a process that has logged ends by itself', async () => {
  const script = `const { closeLog, configureLog, log } = require(${JSON.stringify(SYSLOG_MODULE)}); configureLog({ socketPath: ${JSON.stringify(syslog.path)} }); log('info', 'from a child'); closeLog();`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 20000, stdio: 'ignore' });
  assert.equal(child.signal, null, 'the child had to be killed');
  assert.equal(child.status, 0);
  await syslog.waitFor(/^from a child$/);
});

test('without a listening socket the line is dropped quietly', () => {
  configureLog({ socketPath: `${syslog.path}-absent` });
  assert.doesNotThrow(() => log('err', 'nobody hears this'));
});
