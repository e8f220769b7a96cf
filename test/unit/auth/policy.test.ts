import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nologinText, plaintextAllowed, saslMechanisms } from '../../../lib/auth';
import { configWith, context, passwordFile, temporaryFile } from './fixtures';

describe('plaintext policy', () => {
  const strict = configWith('password-file=');
  it('refuses plaintext on a TCP connection without TLS by default', () => {
    assert.equal(plaintextAllowed(context(strict)), false);
  });
  it('allows it after TLS', () => {
    assert.equal(plaintextAllowed(context(strict, { secure: true })), true);
  });
  it('treats pipes (an ssh tunnel) as protected', () => {
    assert.equal(plaintextAllowed(context(strict, { peer: null })), true);
  });
  it('allows it everywhere when disable-plaintext is off', () => {
    assert.equal(plaintextAllowed(context(configWith('disable-plaintext=no'))), true);
  });
  it('allows it for plaintext-hosts', () => {
    const loopback = configWith('plaintext-hosts=127.0.0.1 [::1] 10.1.0.0/16');
    assert.equal(plaintextAllowed(context(loopback, { peer: '127.0.0.1' })), true);
    assert.equal(plaintextAllowed(context(loopback, { peer: '::1' })), true);
    assert.equal(plaintextAllowed(context(loopback, { peer: '10.1.200.3' })), true);
    assert.equal(plaintextAllowed(context(loopback, { peer: '10.2.0.1' })), false);
  });
});

describe('plaintext-hosts patterns (hosts_access client lists, addresses only before bootstrap settles names)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['192.0.2.1', 'ALL', true],
    ['192.0.2.1', '192.0.2.1', true],
    ['192.0.2.10', '192.0.2.1', false],
    ['192.0.2.10', '192.0.2.', true],
    ['192.0.3.10', '192.0.2.', false],
    ['192.0.2.10', '192.0.2.0/255.255.255.0', true],
    ['192.0.3.10', '192.0.2.0/255.255.255.0', false],
    ['192.0.2.10', '192.0.0.0/22', true],
    ['2001:db8::5', '[2001:db8::]/32', true],
    ['2001:db9::5', '[2001:db8::]/32', false],
    ['::1', '[::1]', true],
    ['::1', '127.0.0.1', false],
    ['127.0.0.1', '[::1]', false],
    ['127.0.0.1', '.example.org', false],
  ];
  for (const [address, pattern, expected] of cases) {
    it(`${address} ${expected ? 'matches' : 'does not match'} ${pattern}`, () => {
      const config = configWith(`plaintext-hosts=${pattern}`);
      assert.equal(plaintextAllowed(context(config, { peer: address })), expected);
    });
  }
});

describe('SASL mechanisms offered', () => {
  it('offers CRAM-MD5 only with a readable password file, PLAIN and LOGIN only where plaintext is allowed', () => {
    const withFile = configWith(`password-file=${passwordFile()}`);
    const without = configWith('password-file=/nonexistent/cram-md5.pwd');
    assert.deepEqual(saslMechanisms(context(withFile)), ['CRAM-MD5']);
    assert.deepEqual(saslMechanisms(context(withFile, { secure: true })), ['CRAM-MD5', 'PLAIN', 'LOGIN']);
    assert.deepEqual(saslMechanisms(context(without)), []);
    assert.deepEqual(saslMechanisms(context(without, { secure: true })), ['PLAIN', 'LOGIN']);
  });
});

describe('nologin', () => {
  it('gives the file text when the file exists', () => {
    const path = temporaryFile('nologin', 'System maintenance\nuntil 18:00\n', 0o644);
    assert.equal(nologinText(context(configWith(`nologin-file=${path}`))), 'System maintenance until 18:00');
    assert.equal(nologinText(context(configWith('nologin-file=/nonexistent/nologin'))), undefined);
  });
});
