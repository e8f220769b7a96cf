// The spool directory and UW's mlock helper. Users must be able to make
// lock files beside their INBOX: either the directory is world-writable with
// the sticky bit (1777), or it is group-writable and mlock is setgid to that
// group (Debian: 2775 root:mail, mlock setgid mail).
import { statSync, type Stats } from 'node:fs';
import type { Config } from '../../config/config';
import { error, octalMode, ok, warning, type Finding } from './finding';

const S_ISVTX = 0o1000;
const S_ISGID = 0o2000;

export function checkSpool(config: Config): Finding[] {
  const directory = config.string('spool-directory');
  const spool = statOrUndefined(directory);
  if (!spool?.isDirectory()) return [error('spool', `${directory} is not a directory`)];
  const described = `${directory} mode ${octalMode(spool.mode)} uid ${spool.uid} gid ${spool.gid}`;
  if (spool.mode & 0o002) {
    if (!(spool.mode & S_ISVTX)) return [error('spool', `${described}: world-writable without the sticky bit, so users can delete each other's mail`)];
    return [ok('spool', `${described}: users make their own lock files`), mlockFinding(config, spool, false)];
  }
  if (spool.mode & 0o020) return [ok('spool', `${described}: locking through the setgid mlock helper`), mlockFinding(config, spool, true)];
  return [warning('spool', `${described}: only its owner can make lock files there`), mlockFinding(config, spool, true)];
}

function mlockFinding(config: Config, spool: Stats, needed: boolean): Finding {
  const path = config.string('mlock-helper');
  const helper = statOrUndefined(path);
  const level = needed ? error : warning;
  if (!helper?.isFile()) return needed ? error('mlock', `${path} missing: users cannot lock their INBOX (Debian package mlock)`) : ok('mlock', `${path} not installed (not needed)`);
  if (!(helper.mode & 0o001)) return level('mlock', `${path} is not executable by everyone (mode ${octalMode(helper.mode)})`);
  if (!(helper.mode & S_ISGID)) return level('mlock', `${path} is not setgid (mode ${octalMode(helper.mode)})`);
  if (helper.gid !== spool.gid) return level('mlock', `${path} is setgid to gid ${helper.gid}, but the spool belongs to gid ${spool.gid}`);
  return ok('mlock', `${path} setgid to the spool's group (gid ${helper.gid})`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
