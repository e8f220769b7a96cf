// Installs the PEM as <dir>/imapd.pem (key and certificate in one file, mode
// 0600) with ipop3d.pem a symbolic link to it, as the guide's `make cert` left
// /usr/local/certs. The file is written beside its target and renamed into
// place, so a server never reads half a key.
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstallResult {
  readonly pemPath: string;
  /** The ipop3d.pem link, or undefined when an existing file was left alone. */
  readonly linkPath: string | undefined;
}

export function installPem(directory: string, pem: string, force: boolean): InstallResult {
  const pemPath = join(directory, 'imapd.pem');
  const linkPath = join(directory, 'ipop3d.pem');
  if (existsSync(pemPath) && !force) throw new Error(`${pemPath} exists (use --force to replace it)`);
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  const staging = `${pemPath}.new-${process.pid}`;
  writeFileSync(staging, pem, { mode: 0o600, flag: 'wx' });
  chmodSync(staging, 0o600);
  renameSync(staging, pemPath);
  const linkExists = isPresent(linkPath);
  if (linkExists && !force) return { pemPath, linkPath: isSymlink(linkPath) ? linkPath : undefined };
  if (linkExists) rmSync(linkPath, { force: true });
  symlinkSync('imapd.pem', linkPath);
  return { pemPath, linkPath };
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isSymlink(path: string): boolean {
  return lstatSync(path).isSymbolicLink();
}
