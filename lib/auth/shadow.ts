// Account expiry from /etc/shadow, for users whose password comes from the
// UW password file: PAM's account phase never runs for them, yet an expired
// system account (`chage -E`) must still be refused.
import { readFileSync } from 'node:fs';

const SHADOW_FILE = '/etc/shadow';
const DAY_MS = 86_400_000;

/** True when shadow(5) says the account has expired; false when unknown (not root, no entry). */
export function accountExpired(name: string, now: Date = new Date(), shadowText?: string): boolean {
  let text = shadowText;
  if (text === undefined) {
    try {
      text = readFileSync(SHADOW_FILE, 'utf8');
    } catch {
      return false;
    }
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] !== name) continue;
    const expire = fields[7] ?? '';
    // Field 8 counts days since 1970-01-01; the account is unusable from that day on.
    return /^\d+$/.test(expire) && Math.floor(now.getTime() / DAY_MS) >= Number(expire);
  }
  return false;
}
