// The PAM service: a file in /etc/pam.d (Linux) or lines in /etc/pam.conf
// (the guide's FreeBSD), with an `account` line so that expired and locked
// accounts are refused, and the binding that runs both phases.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Config } from '../../config/config';
import { error, ok, warning, type Finding } from './finding';

const SUBJECT = 'pam';

export interface PamFiles {
  readonly pamD: string;
  readonly pamConf: string;
}

const SYSTEM_PAM: PamFiles = { pamD: '/etc/pam.d', pamConf: '/etc/pam.conf' };

export function checkPam(service: 'imap' | 'pop3', config: Config, files: PamFiles = SYSTEM_PAM): Finding[] {
  const name = config.string(service === 'imap' ? 'pam-service-imap' : 'pam-service-pop3');
  return [serviceFinding(name, files), bindingFinding()];
}

/** The service's "type control module" lines, from /etc/pam.d/NAME or NAME-prefixed /etc/pam.conf lines. */
export function pamServiceLines(name: string, files: PamFiles): { origin: string; lines: string[] } | undefined {
  const clean = (text: string): string[] => text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== '');
  try {
    return { origin: `${files.pamD}/${name}`, lines: clean(readFileSync(`${files.pamD}/${name}`, 'utf8')) };
  } catch {
    // Not on Linux-PAM's directory layout; try pam.conf.
  }
  try {
    const lines = clean(readFileSync(files.pamConf, 'utf8'))
      .map((line) => line.split(/\s+/))
      .filter((fields) => fields[0] === name)
      .map((fields) => fields.slice(1).join(' '));
    return lines.length > 0 ? { origin: files.pamConf, lines } : undefined;
  } catch {
    return undefined;
  }
}

function serviceFinding(name: string, files: PamFiles): Finding {
  const service = pamServiceLines(name, files);
  if (!service) return warning(SUBJECT, `no PAM service "${name}" (${files.pamD}/${name} or ${files.pamConf}): PAM uses the "other" service`);
  const types = new Set(service.lines.map((line) => line.split(/\s+/)[0]?.replace(/^-/, '')));
  const includes = service.lines.some((line) => /^@include\b/.test(line));
  if (!types.has('auth') && !includes) return error(SUBJECT, `${service.origin}: no "auth" line, so no password is ever accepted`);
  if (!types.has('account') && !includes) return warning(SUBJECT, `${service.origin}: no "account" line, so expired or locked accounts are not refused`);
  return ok(SUBJECT, `service "${name}" in ${service.origin}${types.has('session') ? ' (session lines unused: no PAM session is opened)' : ''}`);
}

function bindingFinding(): Finding {
  try {
    createRequire(__filename)('node-linux-pam');
    return ok(SUBJECT, 'node-linux-pam loaded (authentication and account phases)');
  } catch (cause) {
    return error(SUBJECT, `node-linux-pam cannot be loaded, so only password-file users can log in (${(cause as Error).message})`);
  }
}
