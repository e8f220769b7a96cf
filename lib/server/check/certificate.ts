// The TLS certificate: present, within its validity period, matching its
// key, naming this host (clients warn otherwise, as the guide stresses),
// with a private key only root can read, and accepted by our TLS policy.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fullyQualifiedHostname } from '../../cert/hostname';
import type { Config } from '../../config/config';
import { findCertificate, loadTlsContext, type TlsProgram } from '../../net/tls';
import { error, octalMode, ok, warning, type Finding } from './finding';

const SUBJECT = 'certificate';
const DAY_MS = 86_400_000;

export function checkCertificate(program: TlsProgram, config: Config, now: Date = new Date()): Finding[] {
  const files = findCertificate(program, config);
  if (!files) {
    return [warning(SUBJECT, `no ${program}.pem in ${config.string('cert-directory')} or /usr/local/certs: no STARTTLS and no implicit TLS` +
      (config.boolean('disable-plaintext') ? '; plaintext passwords are refused, so most clients cannot log in (run imapd-mkcert)' : ''))];
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(files.certPath));
  } catch (cause) {
    return [error(SUBJECT, `${files.certPath}: not a PEM certificate (${(cause as Error).message})`)];
  }
  return [
    ok(SUBJECT, `${files.certPath} (key in ${files.keyPath === files.certPath ? 'the same file' : files.keyPath})`),
    validity(certificate, now),
    keyMatch(certificate, files.keyPath),
    nameMatch(certificate),
    keyPermissions(files.keyPath),
    loadTlsContext(program, config) ? ok(SUBJECT, 'accepted for TLS 1.2+') : error(SUBJECT, 'Node could not build a TLS context from it (see syslog)'),
  ];
}

function validity(certificate: X509Certificate, now: Date): Finding {
  const notAfter = new Date(certificate.validTo);
  const notBefore = new Date(certificate.validFrom);
  if (notBefore.getTime() > now.getTime()) return error(SUBJECT, `not valid before ${certificate.validFrom}`);
  if (notAfter.getTime() <= now.getTime()) return error(SUBJECT, `expired on ${certificate.validTo}`);
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (days < 30) return warning(SUBJECT, `expires in ${days} days (${certificate.validTo})`);
  return ok(SUBJECT, `valid until ${certificate.validTo}`);
}

function keyMatch(certificate: X509Certificate, keyPath: string): Finding {
  try {
    const key = createPrivateKey(readFileSync(keyPath));
    return certificate.checkPrivateKey(key) ? ok(SUBJECT, 'private key matches') : error(SUBJECT, `private key in ${keyPath} does not match the certificate`);
  } catch (cause) {
    return error(SUBJECT, `cannot read the private key in ${keyPath} (${(cause as Error).message})`);
  }
}

function nameMatch(certificate: X509Certificate): Finding {
  const host = fullyQualifiedHostname();
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
  const altNames = (certificate.subjectAltName ?? '').split(/,\s*/).filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4));
  const names = [...new Set([...(commonName ? [commonName] : []), ...altNames])];
  const described = `names ${names.join(', ') || '(none)'}${certificate.issuer === certificate.subject ? ', self-signed' : ''}`;
  if (names.some((name) => hostMatches(name, host))) return ok(SUBJECT, `${described}; matches ${host}`);
  return warning(SUBJECT, `${described}; this host is ${host}: clients will warn on every TLS connection`);
}

function hostMatches(pattern: string, host: string): boolean {
  const name = pattern.toLowerCase();
  const target = host.toLowerCase();
  if (name.startsWith('*.')) return target.endsWith(name.slice(1)) && !target.slice(0, -name.length + 1).includes('.');
  return name === target;
}

function keyPermissions(keyPath: string): Finding {
  const stats = statSync(keyPath);
  if (stats.mode & 0o004) return error(SUBJECT, `${keyPath} is readable by everyone (mode ${octalMode(stats.mode)}): chmod 600`);
  if (stats.uid !== 0) return warning(SUBJECT, `${keyPath} is owned by uid ${stats.uid}, not root`);
  return ok(SUBJECT, `private key readable only by root${stats.mode & 0o040 ? ' and its group' : ''} (mode ${octalMode(stats.mode)})`);
}
