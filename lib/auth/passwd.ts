// getpwnam/getpwuid for Node, which has neither. /etc/passwd is read first
// (one small file, no process); only a name it lacks is asked of NSS through
// `getent`, so LDAP or NIS users work without slowing down local ones.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface SystemAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

const PASSWD_FILE = '/etc/passwd';

/**
 * A name we are willing to look up: no separators, no control characters,
 * and no leading '+' or '-' (NIS compat entries in /etc/passwd).
 */
export function isPlausibleUserName(name: string): boolean {
  return name.length > 0 && name.length <= 64 && /^[^\s:/+\-\x00-\x1f\x7f][^\s:/\x00-\x1f\x7f]*$/.test(name);
}

export function getpwnam(name: string): SystemAccount | undefined {
  if (!isPlausibleUserName(name)) return undefined;
  return findInPasswd((entry) => entry.name === name) ?? getent(name);
}

export function getpwuid(uid: number): SystemAccount | undefined {
  return findInPasswd((entry) => entry.uid === uid) ?? getent(String(uid));
}

/** Parses one passwd(5) line; undefined for comments, compat and broken lines. */
export function parsePasswdLine(line: string): SystemAccount | undefined {
  const fields = line.split(':');
  if (fields.length < 7) return undefined;
  const [name = '', , uidText = '', gidText = '', , home = ''] = fields;
  if (!isPlausibleUserName(name) || !/^\d+$/.test(uidText) || !/^\d+$/.test(gidText)) return undefined;
  return { name, uid: Number(uidText), gid: Number(gidText), home };
}

function findInPasswd(match: (entry: SystemAccount) => boolean): SystemAccount | undefined {
  let text: string;
  try {
    text = readFileSync(PASSWD_FILE, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const entry = parsePasswdLine(line);
    if (entry && match(entry)) return entry;
  }
  return undefined;
}

function getent(key: string): SystemAccount | undefined {
  const { spawnSync } = createRequire(__filename)('node:child_process') as typeof import('node:child_process');
  const result = spawnSync('getent', ['passwd', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return undefined;
  return parsePasswdLine(result.stdout.split('\n')[0] ?? '');
}
