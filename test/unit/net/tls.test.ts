import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeLog } from '../../../lib/log/syslog';
import { makeSelfSignedPem } from '../../../lib/cert/self-signed';
import { loadConfig } from '../../../lib/config/config';
import { containsPrivateKey, findCertificate, implicitTlsPorts, loadTlsContext, wantsImplicitTls } from '../../../lib/net/tls';

function splitPem(pem: string): { key: string; cert: string } {
  const at = pem.indexOf('-----BEGIN CERTIFICATE-----');
  return { key: pem.slice(0, at), cert: pem.slice(at) };
}

after(closeLog);

describe('certificate lookup', () => {
  let pem = '';
  before(() => {
    pem = makeSelfSignedPem({ cn: 'mail.example.org', days: 2, keyType: 'ec' });
  });

  function directories(): { certs: string; keys: string; config: ReturnType<typeof loadConfig> } {
    const root = mkdtempSync(join(tmpdir(), 'tls-test-'));
    const certs = join(root, 'certs');
    const keys = join(root, 'private');
    mkdirSync(certs);
    mkdirSync(keys);
    return { certs, keys, config: loadConfig({ path: '/dev/null', overrides: [`cert-directory=${certs}`, `key-directory=${keys}`] }) };
  }

  it('finds key and certificate in one file', () => {
    const { certs, config } = directories();
    writeFileSync(join(certs, 'imapd.pem'), pem);
    assert.deepEqual(findCertificate('imapd', config), { certPath: join(certs, 'imapd.pem'), keyPath: join(certs, 'imapd.pem') });
    assert.ok(loadTlsContext('imapd', config));
  });

  it('finds the key in the key directory when the certificate file has none', () => {
    const { certs, keys, config } = directories();
    const { key, cert } = splitPem(pem);
    writeFileSync(join(certs, 'ipop3d.pem'), cert);
    assert.equal(findCertificate('ipop3d', config), undefined, 'no key yet');
    writeFileSync(join(keys, 'ipop3d.pem'), key);
    assert.deepEqual(findCertificate('ipop3d', config), { certPath: join(certs, 'ipop3d.pem'), keyPath: join(keys, 'ipop3d.pem') });
    assert.ok(loadTlsContext('ipop3d', config));
  });

  it('follows the ipop3d.pem link to imapd.pem, and lets ipop2d use ipop3d\'s certificate', () => {
    const { certs, config } = directories();
    writeFileSync(join(certs, 'imapd.pem'), pem);
    symlinkSync('imapd.pem', join(certs, 'ipop3d.pem'));
    assert.equal(findCertificate('ipop3d', config)?.certPath, join(certs, 'ipop3d.pem'));
    assert.equal(findCertificate('ipop2d', config)?.certPath, join(certs, 'ipop3d.pem'));
  });

  it('finds nothing in empty directories, and refuses a key that does not match', () => {
    const { certs, keys, config } = directories();
    assert.equal(findCertificate('imapd', config), undefined);
    assert.equal(loadTlsContext('imapd', config), undefined);
    writeFileSync(join(certs, 'imapd.pem'), splitPem(pem).cert);
    writeFileSync(join(keys, 'imapd.pem'), splitPem(makeSelfSignedPem({ cn: 'other.example.org', days: 1, keyType: 'ec' })).key);
    assert.ok(findCertificate('imapd', config));
    assert.equal(loadTlsContext('imapd', config), undefined);
  });

  it('recognises private keys of every PEM flavour', () => {
    assert.equal(containsPrivateKey('-----BEGIN PRIVATE KEY-----'), true);
    assert.equal(containsPrivateKey('-----BEGIN RSA PRIVATE KEY-----'), true);
    assert.equal(containsPrivateKey('-----BEGIN EC PRIVATE KEY-----'), true);
    assert.equal(containsPrivateKey('-----BEGIN CERTIFICATE-----'), false);
  });
});

describe('implicit TLS', () => {
  const services = 'imap\t\t143/tcp\timap2\nimaps\t\t993/tcp\nfoo 10993/tcp imaps # alias after the real entry\npop3s\t\t1995/tcp\n';
  it('reads the imaps and pop3s ports from /etc/services', () => {
    assert.deepEqual(implicitTlsPorts(services), [993, 1995]);
    assert.deepEqual(implicitTlsPorts(''), [993, 995]);
  });
  it('is wanted on those ports, for s-names, and when asked for', () => {
    const local = (port: number) => ({ address: '127.0.0.1', port });
    assert.equal(wantsImplicitTls({ local: local(993), invokedAs: 'imapd', requested: false }), true);
    assert.equal(wantsImplicitTls({ local: local(995), invokedAs: 'ipop3d', requested: false }), true);
    assert.equal(wantsImplicitTls({ local: local(143), invokedAs: 'imapd', requested: false }), false);
    assert.equal(wantsImplicitTls({ local: local(1143), invokedAs: '/usr/sbin/simapd', requested: false }), true);
    assert.equal(wantsImplicitTls({ local: undefined, invokedAs: 'sipop3d', requested: false }), true);
    assert.equal(wantsImplicitTls({ local: undefined, invokedAs: 'ipop3d', requested: true }), true);
    assert.equal(wantsImplicitTls({ local: undefined, invokedAs: 'ipop3d', requested: false }), false);
  });
});
