// A private key and a self-signed certificate in one PEM text, as UW's
// `make cert` produced. The system's openssl does the work: this runs from an
// administrator's command or the demo launcher, never in a session.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyType = 'rsa' | 'ec';

export interface SelfSignedOptions {
  /** Common Name: the server's fully qualified domain name. Also the certificate's DNS subjectAltName. */
  readonly cn: string;
  readonly days: number;
  /** RSA 2048 (the default, for old clients) or EC P-256. */
  readonly keyType?: KeyType;
  readonly openssl?: string;
}

const KEY_ARGUMENTS: Readonly<Record<KeyType, readonly string[]>> = {
  rsa: ['-newkey', 'rsa:2048'],
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
};

/** Returns "key PEM + certificate PEM"; throws with openssl's message on failure. */
export function makeSelfSignedPem(options: SelfSignedOptions): string {
  if (!/^[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?$/.test(options.cn)) throw new Error(`not a host name: "${options.cn}"`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error(`not a number of days: ${options.days}`);
  const work = mkdtempSync(join(tmpdir(), 'imapd-mkcert-'));
  try {
    const keyPath = join(work, 'key.pem');
    const certPath = join(work, 'cert.pem');
    const result = spawnSync(options.openssl ?? 'openssl', [
      'req', '-x509', '-nodes', ...KEY_ARGUMENTS[options.keyType ?? 'rsa'], '-sha256',
      '-days', String(options.days),
      '-subj', `/CN=${options.cn}`,
      '-addext', `subjectAltName=DNS:${options.cn}`,
      '-keyout', keyPath, '-out', certPath,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error) throw new Error(`cannot run openssl: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.trim()}`);
    return readFileSync(keyPath, 'utf8') + readFileSync(certPath, 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
