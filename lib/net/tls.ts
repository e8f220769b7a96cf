// Server certificates where UW looked for them, and the TLS policy: 1.2 or
// newer with modern ciphers (UW's unpatched STARTTLS spoke only TLS 1.0).
// node:tls is loaded only when a context is actually built.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { SecureContext } from 'node:tls';
import type { Config } from '../config/config';
import { log } from '../log/syslog';
import type { Endpoint } from './connection';

export type TlsProgram = 'imapd' | 'ipop3d' | 'ipop2d';

/** The FreeBSD guide's `make cert` directory, always tried after the configured one. */
export const FREEBSD_CERT_DIRECTORY = '/usr/local/certs';

/** TLS 1.2 suites with forward secrecy and AEAD; TLS 1.3 suites are Node's defaults. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

/** ipop2d had no certificate of its own in most installations: it uses ipop3d's. */
function certificateNames(program: TlsProgram): string[] {
  return program === 'ipop2d' ? ['ipop2d', 'ipop3d'] : [program];
}

export function containsPrivateKey(pem: string): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);
}

/** The certificate and key files for a program, or undefined when none is installed. */
export function findCertificate(program: TlsProgram, config: Config): CertificateFiles | undefined {
  const directories = [...new Set([config.string('cert-directory'), FREEBSD_CERT_DIRECTORY])];
  for (const name of certificateNames(program)) {
    for (const directory of directories) {
      const certPath = join(directory, `${name}.pem`);
      let pem: string;
      try {
        pem = readFileSync(certPath, 'utf8');
      } catch {
        continue;
      }
      if (containsPrivateKey(pem)) return { certPath, keyPath: certPath };
      const keyPath = join(config.string('key-directory'), `${name}.pem`);
      if (existsSync(keyPath)) return { certPath, keyPath };
    }
  }
  return undefined;
}

export function tlsAvailable(program: TlsProgram, config: Config): boolean {
  return findCertificate(program, config) !== undefined;
}

const contexts = new Map<string, SecureContext | undefined>();

/** The server's TLS context, built once per process; undefined (and a log line) when unusable. */
export function loadTlsContext(program: TlsProgram, config: Config): SecureContext | undefined {
  const files = findCertificate(program, config);
  if (!files) return undefined;
  const key = `${files.certPath}\0${files.keyPath}`;
  if (!contexts.has(key)) contexts.set(key, buildContext(files));
  return contexts.get(key);
}

function buildContext(files: CertificateFiles): SecureContext | undefined {
  const tls = createRequire(__filename)('node:tls') as typeof import('node:tls');
  try {
    return tls.createSecureContext({
      cert: readFileSync(files.certPath),
      key: readFileSync(files.keyPath),
      minVersion: 'TLSv1.2',
      ciphers: TLS12_CIPHERS,
      honorCipherOrder: true,
    });
  } catch (error) {
    log('err', `TLS certificate ${files.certPath} (key ${files.keyPath}) unusable: ${(error as Error).message}`);
    return undefined;
  }
}

export interface ImplicitTlsQuestion {
  readonly local: Endpoint | undefined;
  /** Name the executable was started as. */
  readonly invokedAs: string;
  /** The command line asked for it (--tls). */
  readonly requested: boolean;
}

/**
 * Implicit TLS (no STARTTLS): on the imaps/pop3s service ports, for names
 * starting with "s" (simapd, sipop3d: UW's convention for other ports), or
 * when the command line asks for it.
 */
export function wantsImplicitTls(question: ImplicitTlsQuestion): boolean {
  if (question.requested) return true;
  if (basename(question.invokedAs).startsWith('s')) return true;
  const port = question.local?.port;
  return port !== undefined && implicitTlsPorts().includes(port);
}

const IMPLICIT_TLS_SERVICES = new Set(['imaps', 'pop3s']);

/** Ports of the imaps and pop3s services from /etc/services (993 and 995 when it lacks them). */
export function implicitTlsPorts(servicesText?: string): number[] {
  let text = servicesText;
  if (text === undefined) {
    try {
      text = readFileSync('/etc/services', 'utf8');
    } catch {
      return [993, 995];
    }
  }
  const ports = new Map<string, number>();
  for (const line of text.split('\n')) {
    // Every TCP connection reads the file: skip the other services' lines unparsed.
    if (!line.includes('imaps') && !line.includes('pop3s')) continue;
    const [name = '', portProto = '', ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const match = /^(\d+)\/tcp$/.exec(portProto);
    if (!match) continue;
    for (const service of [name, ...aliases]) {
      if (IMPLICIT_TLS_SERVICES.has(service) && !ports.has(service)) ports.set(service, Number(match[1]));
    }
  }
  return [ports.get('imaps') ?? 993, ports.get('pop3s') ?? 995];
}
