// UW's password file holds passwords in clear: only root may read it.
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../../config/config';
import { getpwnam } from '../../auth/passwd';
import { parsePasswordFile } from '../../auth/password-file';
import { error, octalMode, ok, warning, type Finding } from './finding';

const SUBJECT = 'password-file';

export function checkPasswordFile(config: Config): Finding[] {
  const path = config.string('password-file');
  let text: string;
  let mode: number;
  let owner: number;
  try {
    const stats = statSync(path);
    [mode, owner] = [stats.mode, stats.uid];
    text = readFileSync(path, 'utf8');
  } catch {
    return [ok(SUBJECT, `${path} not present: no CRAM-MD5 or APOP, all passwords checked by PAM`)];
  }
  const users = [...parsePasswordFile(text).keys()];
  const findings: Finding[] = [ok(SUBJECT, `${path}: ${users.length} user(s); CRAM-MD5 and APOP offered`)];
  if (mode & 0o044) findings.push(error(SUBJECT, `${path} is readable by ${mode & 0o004 ? 'everyone' : 'its group'} (mode ${octalMode(mode)}): chmod 600`));
  if (owner !== 0 && process.getuid?.() === 0) findings.push(warning(SUBJECT, `${path} is owned by uid ${owner}, not root`));
  const virtualOwner = config.string('virtual-owner');
  const withoutAccount = users.filter((user) => !getpwnam(user));
  if (withoutAccount.length > 0 && virtualOwner === '') {
    findings.push(warning(SUBJECT, `no system account and no virtual-owner set, so these cannot log in: ${withoutAccount.join(', ')}`));
  }
  if (virtualOwner !== '' && !getpwnam(virtualOwner)) findings.push(error(SUBJECT, `virtual-owner "${virtualOwner}" is not a system account`));
  if (users.includes('root')) findings.push(warning(SUBJECT, 'has an entry for root, which can never log in'));
  return findings;
}
