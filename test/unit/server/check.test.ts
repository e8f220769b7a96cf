import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeSelfSignedPem } from '../../../lib/cert/self-signed';
import { loadConfig, parseConfigText } from '../../../lib/config/config';
import { closeLog } from '../../../lib/log/syslog';
import { checkCertificate } from '../../../lib/server/check/certificate';
import { formatSettings } from '../../../lib/server/check';
import { checkPam } from '../../../lib/server/check/pam';
import { checkPasswordFile } from '../../../lib/server/check/password-file';
import { checkSpool } from '../../../lib/server/check/spool';
import type { Finding, Level } from '../../../lib/server/check/finding';

after(closeLog);

const DAY_MS = 86_400_000;
const scratch = (): string => mkdtempSync(join(tmpdir(), 'check-test-'));
const config = (...overrides: string[]) => loadConfig({ path: '/dev/null', overrides });
const levels = (findings: Finding[]): Level[] => findings.map((finding) => finding.level);
const worst = (findings: Finding[]): Level =>
  levels(findings).includes('error') ? 'error' : levels(findings).includes('warning') ? 'warning' : 'ok';

describe('--check: certificate', () => {
  let pem = '';
  before(() => {
    pem = makeSelfSignedPem({ cn: 'mail.example.org', days: 10, keyType: 'ec' });
  });

  function installed(mode: number): ReturnType<typeof config> {
    const directory = scratch();
    writeFileSync(join(directory, 'imapd.pem'), pem);
    chmodSync(join(directory, 'imapd.pem'), mode);
    return config(`cert-directory=${directory}`, `key-directory=${directory}`);
  }

  it('warns when there is no certificate', () => {
    const directory = scratch();
    const findings = checkCertificate('imapd', config(`cert-directory=${directory}`, `key-directory=${directory}`));
    assert.equal(worst(findings), 'warning');
    assert.match(findings[0]?.text ?? '', /imapd-mkcert/);
  });
  it('reports a good certificate, a near expiry and a foreign name', () => {
    const findings = checkCertificate('imapd', installed(0o600));
    assert.ok(findings.some((finding) => finding.level === 'ok' && /private key matches/.test(finding.text)));
    assert.ok(findings.some((finding) => finding.level === 'warning' && /expires in 9 days/.test(finding.text)));
    assert.ok(findings.some((finding) => /mail\.example\.org, self-signed/.test(finding.text)));
    assert.ok(!levels(findings).includes('error'));
  });
  it('finds an expired certificate and a world-readable key', () => {
    const expired = checkCertificate('imapd', installed(0o600), new Date(Date.now() + 11 * DAY_MS));
    assert.ok(expired.some((finding) => finding.level === 'error' && /expired on/.test(finding.text)));
    const readable = checkCertificate('imapd', installed(0o644));
    assert.ok(readable.some((finding) => finding.level === 'error' && /readable by everyone/.test(finding.text)));
  });
  it('finds a key that does not match', () => {
    const directory = scratch();
    const other = makeSelfSignedPem({ cn: 'other.example.org', days: 10, keyType: 'ec' });
    const cert = pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----'));
    mkdirSync(join(directory, 'private'));
    writeFileSync(join(directory, 'imapd.pem'), cert);
    writeFileSync(join(directory, 'private', 'imapd.pem'), other.slice(0, other.indexOf('-----BEGIN CERTIFICATE-----')), { mode: 0o600 });
    const findings = checkCertificate('imapd', config(`cert-directory=${directory}`, `key-directory=${join(directory, 'private')}`));
    assert.ok(findings.some((finding) => finding.level === 'error' && /does not match/.test(finding.text)));
  });
});

describe('--check: PAM service', () => {
  function pamFiles(files: Record<string, string>, pamConf = ''): { pamD: string; pamConf: string } {
    const root = scratch();
    mkdirSync(join(root, 'pam.d'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'pam.d', name), text);
    writeFileSync(join(root, 'pam.conf'), pamConf);
    return { pamD: join(root, 'pam.d'), pamConf: join(root, 'pam.conf') };
  }
  const guide = 'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_deny.so\n';

  it('accepts the guide\'s service file', () => {
    const [service] = checkPam('imap', config(), pamFiles({ imap: guide }));
    assert.equal(service?.level, 'ok');
    assert.match(service?.text ?? '', /session lines unused/);
  });
  it('reads the guide\'s FreeBSD pam.conf', () => {
    const [service] = checkPam('pop3', config(), pamFiles({}, 'pop3 auth required pam_unix.so\npop3 account required pam_unix.so try_first_pass\n'));
    assert.equal(service?.level, 'ok');
  });
  it('warns without an account line or without a service, and follows the configured name', () => {
    assert.equal(checkPam('imap', config(), pamFiles({ imap: 'auth required pam_unix.so\n' }))[0]?.level, 'warning');
    assert.equal(checkPam('imap', config(), pamFiles({}))[0]?.level, 'warning');
    assert.equal(checkPam('imap', config('pam-service-imap=mail'), pamFiles({ mail: guide }))[0]?.level, 'ok');
    assert.equal(checkPam('imap', config(), pamFiles({ imap: 'account required pam_unix.so\n' }))[0]?.level, 'error');
  });
});

describe('--check: spool and mlock', () => {
  function spool(mode: number): string {
    const directory = join(scratch(), 'mail');
    mkdirSync(directory);
    chmodSync(directory, mode);
    return directory;
  }
  it('accepts a sticky world-writable spool', () => {
    assert.equal(worst(checkSpool(config(`spool-directory=${spool(0o1777)}`, 'mlock-helper=/nonexistent'))), 'ok');
  });
  it('refuses a world-writable spool without the sticky bit', () => {
    assert.equal(worst(checkSpool(config(`spool-directory=${spool(0o777)}`))), 'error');
  });
  it('needs mlock for a group-writable spool', () => {
    assert.equal(worst(checkSpool(config(`spool-directory=${spool(0o775)}`, 'mlock-helper=/nonexistent'))), 'error');
  });
  it('refuses a missing spool', () => {
    assert.equal(worst(checkSpool(config('spool-directory=/nonexistent/mail'))), 'error');
  });
});

describe('--check: password file', () => {
  function file(mode: number, text = 'nobody\tx\n'): string {
    const path = join(scratch(), 'cram-md5.pwd');
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  }
  it('is fine when absent or private', () => {
    assert.equal(worst(checkPasswordFile(config('password-file=/nonexistent'))), 'ok');
    assert.equal(worst(checkPasswordFile(config(`password-file=${file(0o600)}`))), process.getuid?.() === 0 ? 'ok' : 'warning');
  });
  it('is an error when others can read it', () => {
    assert.equal(worst(checkPasswordFile(config(`password-file=${file(0o644)}`))), 'error');
  });
  it('warns about users who cannot log in', () => {
    const findings = checkPasswordFile(config(`password-file=${file(0o600, 'ghost-user-x\ty\nroot\tz\n')}`));
    assert.ok(findings.some((finding) => /ghost-user-x/.test(finding.text)));
    assert.ok(findings.some((finding) => /root, which can never log in/.test(finding.text)));
  });
});

describe('--check: settings', () => {
  it('prints every setting so that the output reads back as the same configuration', () => {
    const original = config('login-timeout=60', 'plaintext-hosts=127.0.0.1 [::1]');
    const values: Record<string, string> = {};
    const problems: string[] = [];
    parseConfigText(formatSettings('imapd', original), 'check', values, problems);
    assert.deepEqual(problems, []);
    for (const [name, value] of Object.entries(original.values)) assert.equal(values[name] ?? '', value, name);
  });
});
