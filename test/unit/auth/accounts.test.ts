import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandHomeTemplate, resolveAccount } from '../../../lib/auth/accounts';
import { getpwnam, getpwuid, isPlausibleUserName, parsePasswdLine } from '../../../lib/auth/passwd';
import { accountExpired } from '../../../lib/auth/shadow';
import { configWith } from './fixtures';

describe('system accounts', () => {
  it('parses passwd(5) lines and skips compat and broken ones', () => {
    assert.deepEqual(parsePasswdLine('alice:x:1001:100:Alice:/home/alice:/bin/sh'), { name: 'alice', uid: 1001, gid: 100, home: '/home/alice' });
    assert.equal(parsePasswdLine('+::::::'), undefined);
    assert.equal(parsePasswdLine('-bob:x:1:1::/:/bin/sh'), undefined);
    assert.equal(parsePasswdLine('carol:x:abc:1::/:/bin/sh'), undefined);
    assert.equal(parsePasswdLine('# comment'), undefined);
  });
  it('accepts only plausible user names', () => {
    for (const name of ['alice', 'a.b-c_d', 'user@example.org', 'Z9']) assert.equal(isPlausibleUserName(name), true, name);
    for (const name of ['', '+nis', '-x', 'a b', 'a:b', 'a/b', 'a\nb', 'x'.repeat(65)]) assert.equal(isPlausibleUserName(name), false, name);
  });
  it('finds root and nobody like getpwnam/getpwuid', () => {
    assert.equal(getpwnam('root')?.uid, 0);
    assert.equal(getpwuid(0)?.name, 'root');
    assert.equal(getpwnam('nobody')?.uid, 65534);
    assert.equal(getpwnam('no-such-user-here'), undefined);
  });
});

describe('account resolution', () => {
  it('never resolves root', () => {
    assert.equal(resolveAccount(configWith(), 'root', { fromPasswordFile: false }), undefined);
    assert.equal(resolveAccount(configWith('virtual-owner=root'), 'virtual', { fromPasswordFile: true }), undefined);
  });
  it('uses the virtual owner only for password-file users', () => {
    const config = configWith('virtual-owner=nobody');
    assert.equal(resolveAccount(config, 'virtual', { fromPasswordFile: false }), undefined);
    assert.equal(resolveAccount(config, 'virtual', { fromPasswordFile: true })?.uid, 65534);
  });
  it('expands %u in the home template', () => {
    assert.equal(expandHomeTemplate('/home/%u/mail/%u', 'bob'), '/home/bob/mail/bob');
  });
});

describe('shadow expiry', () => {
  const shadow = 'gone:$6$x:19000:0:99999:7::1:\nfine:$6$x:19000:0:99999:7:::\nlater:$6$x:19000:0:99999:7::30000:\n';
  const now = new Date('2024-01-01T00:00:00Z');
  it('reads the expiry day of shadow(5)', () => {
    assert.equal(accountExpired('gone', now, shadow), true);
    assert.equal(accountExpired('fine', now, shadow), false);
    assert.equal(accountExpired('later', now, shadow), false);
    assert.equal(accountExpired('absent', now, shadow), false);
  });
});
