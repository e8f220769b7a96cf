import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { installPem } from '../../../lib/cert/install';
import { makeSelfSignedPem } from '../../../lib/cert/self-signed';
import { binPath } from '../../helpers/paths';

describe('self-signed certificate', () => {
  for (const keyType of ['rsa', 'ec'] as const) {
    it(`makes a ${keyType} key and a certificate naming the host`, () => {
      const pem = makeSelfSignedPem({ cn: 'mail.example.org', days: 30, keyType });
      const certificate = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
      assert.match(certificate.subject, /CN=mail\.example\.org/);
      assert.equal(certificate.subjectAltName, 'DNS:mail.example.org');
      assert.ok(certificate.checkPrivateKey(createPrivateKey(pem)));
      assert.equal(createPrivateKey(pem).asymmetricKeyType, keyType);
    });
  }
  it('refuses names that are not host names', () => {
    assert.throws(() => makeSelfSignedPem({ cn: 'a b/CN=evil', days: 1 }), /not a host name/);
    assert.throws(() => makeSelfSignedPem({ cn: 'ok.example', days: 0 }), /days/);
  });
});

describe('installing imapd.pem', () => {
  it('writes a private file with an ipop3d.pem link, and replaces it only when forced', () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'mkcert-test-')), 'certs');
    const result = installPem(directory, 'first', false);
    assert.equal(statSync(result.pemPath).mode & 0o777, 0o600);
    assert.equal(readlinkSync(join(directory, 'ipop3d.pem')), 'imapd.pem');
    assert.throws(() => installPem(directory, 'second', false), /exists/);
    installPem(directory, 'second', true);
    assert.equal(readFileSync(join(directory, 'ipop3d.pem'), 'utf8'), 'second');
    assert.ok(lstatSync(join(directory, 'ipop3d.pem')).isSymbolicLink());
  });
});

describe('imapd-mkcert', () => {
  it('installs a certificate for the given Common Name without asking', () => {
    const directory = mkdtempSync(join(tmpdir(), 'mkcert-cli-'));
    const run = spawnSync(binPath('imapd-mkcert'), ['--dir', directory, '--cn', 'imap.example.net', '--days', '7'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /CN=imap\.example\.net, valid 7 days/);
    const again = spawnSync(binPath('imapd-mkcert'), ['--dir', directory, '--cn', 'imap.example.net'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /--force/);
  });
});
