// Shared set-up for the login-layer unit tests: a configuration built only
// from overrides, and a temporary UW password file.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../lib/config/config';
import type { LoginContext, Service } from '../../../lib/auth/types';

export function configWith(...overrides: string[]): Config {
  return loadConfig({ path: '/dev/null', overrides });
}

export function temporaryFile(name: string, text: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(tmpdir(), 'auth-test-')), name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** A password file with `alice` (a virtual user) and `nobody` (a system account). */
export function passwordFile(): string {
  return temporaryFile('cram-md5.pwd', '# UW password file\nalice\tWonder#land\nnobody\tnobodys-secret\nroot\ttoor\n');
}

export function context(config: Config, options: { secure?: boolean; peer?: string | null; service?: Service } = {}): LoginContext {
  const peer = options.peer === null ? undefined : { address: options.peer ?? '192.0.2.7', port: 50000 };
  return { service: options.service ?? 'imap', config, peer, secure: options.secure ?? false };
}
