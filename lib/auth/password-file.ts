// UW's password file (/etc/cram-md5.pwd): `user<TAB>password` per line, a
// line starting with '#' is a comment. Passwords are stored in clear, which
// is what CRAM-MD5 and APOP need; where a user has an entry it is also the
// password for plaintext logins, as in UW.
import { accessSync, constants, readFileSync } from 'node:fs';

/** True when the file exists and this process can read it (it offers CRAM-MD5 and APOP). */
export function passwordFileReadable(path: string): boolean {
  if (path === '') return false;
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export function parsePasswordFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const user = line.slice(0, tab);
    // The first entry wins, so a later duplicate cannot shadow it.
    if (!entries.has(user)) entries.set(user, line.slice(tab + 1));
  }
  return entries;
}

export interface PasswordEntry {
  /** The name as the file spells it. */
  readonly user: string;
  readonly password: string;
}

/**
 * The user's entry, or undefined when the file is missing or has no such
 * user. Like UW, a name not found as given is tried in lower case.
 */
export function passwordEntry(path: string, user: string): PasswordEntry | undefined {
  if (path === '' || user === '') return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const entries = parsePasswordFile(text);
  for (const name of [user, user.toLowerCase()]) {
    const password = entries.get(name);
    if (password !== undefined) return { user: name, password };
  }
  return undefined;
}
