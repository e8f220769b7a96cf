// UW's log lines, exactly, and fail2ban's uwimap-auth filter still catching
// the failures (its failregex, minus the syslog prefix).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authenticatedLine, authenticateFailureLine, autologoutLine, hostText, inboxOpenErrorLine, loginFailedLine, loginLine, logoutLine,
  lostLockLine, pop3LoginLine, pop3UpdateLine, preauthenticatedLine, refusedConnectLine, sessionEndLine,
} from '../../../lib/log/lines';

const UWIMAP_AUTH = /^Login (?:failed|excessive login failures|disabled|SYSTEM BREAK-IN ATTEMPT) user=\S* auth=\S* host=.*\[(?<host>[^\]]+)\]\s*$/;

test('host= is "name [ip]", "[ip]" without a name, UNKNOWN over pipes', () => {
  assert.equal(hostText({ address: '127.0.0.1', name: 'localhost' }), 'localhost [127.0.0.1]');
  assert.equal(hostText({ address: '2001:db8::5', port: 143 }), '[2001:db8::5]');
  assert.equal(hostText(undefined), 'UNKNOWN');
});

test('the session lines', () => {
  const host = 'localhost [127.0.0.1]';
  assert.deepEqual(loginLine('alice', host), { severity: 'info', facility: 'mail', message: 'Login user=alice host=localhost [127.0.0.1]' });
  assert.equal(authenticatedLine('alice', host, 'CRAM-MD5').message, 'Authenticated user=alice host=localhost [127.0.0.1] mech=CRAM-MD5');
  assert.equal(preauthenticatedLine('alice', 'UNKNOWN').message, 'Preauthenticated user=alice host=UNKNOWN');
  assert.equal(logoutLine('alice', host).message, 'Logout user=alice host=localhost [127.0.0.1]');
  assert.equal(autologoutLine(undefined, host).message, 'Autologout user=??? host=localhost [127.0.0.1]');
  assert.equal(lostLockLine('alice', host).message, 'Killed (lost mailbox lock) user=alice host=localhost [127.0.0.1]');
  assert.equal(sessionEndLine('Unexpected client disconnect, while reading line', 'alice', host).message, 'Unexpected client disconnect, while reading line user=alice host=localhost [127.0.0.1]');
});

test('the POP3 lines', () => {
  assert.equal(pop3LoginLine('Login', 'bob', '[10.0.0.9]', { visible: 3, total: 4 }).message, 'Login user=bob host=[10.0.0.9] nmsgs=3/4');
  assert.equal(pop3LoginLine('APOP', 'bob', '[10.0.0.9]', undefined).message, 'APOP user=bob host=[10.0.0.9] no mailbox');
  assert.equal(pop3UpdateLine('bob', '[10.0.0.9]', 2, 1, 3).message, 'Update user=bob host=[10.0.0.9] nmsgs=2 ndele=1 nseen=3');
  assert.equal(inboxOpenErrorLine('bob', '[10.0.0.9]').message, 'Error opening or locking INBOX user=bob host=[10.0.0.9]');
  assert.deepEqual(authenticateFailureLine('PLAIN', '[10.0.0.9]'), { severity: 'notice', facility: 'auth', message: 'AUTHENTICATE PLAIN failure host=[10.0.0.9]' });
});

test('failed logins go to facility auth and match fail2ban\'s uwimap-auth', () => {
  const failed = loginFailedLine('mallory', undefined, 'evil.example.net [203.0.113.66]');
  assert.deepEqual(failed, { severity: 'notice', facility: 'auth', message: 'Login failed user=mallory auth=mallory host=evil.example.net [203.0.113.66]' });
  assert.equal(UWIMAP_AUTH.exec(failed.message)?.groups?.host, '203.0.113.66');
  const excessive = loginFailedLine('mallory', 'admin', '[203.0.113.66]', 'excessive login failures');
  assert.equal(excessive.message, 'Login excessive login failures user=mallory auth=admin host=[203.0.113.66]');
  assert.equal(UWIMAP_AUTH.exec(excessive.message)?.groups?.host, '203.0.113.66');
});

test('a user name cannot slip past fail2ban or forge another host', () => {
  const forged = loginFailedLine('x auth=x host=victim [192.0.2.1]', undefined, '[203.0.113.66]');
  assert.equal(UWIMAP_AUTH.exec(forged.message)?.groups?.host, '203.0.113.66');
  const long = loginFailedLine('a'.repeat(200), undefined, '[203.0.113.66]');
  assert.match(long.message, /^Login failed user=a{64} auth=a{64} host=\[203\.0\.113\.66\]$/);
});

test('tcp_wrappers refusal in tcp_wrappers\' words', () => {
  assert.deepEqual(refusedConnectLine('10.1.2.3'), { severity: 'warning', facility: 'mail', message: 'refused connect from 10.1.2.3' });
});
