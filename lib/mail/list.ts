// LIST and LSUB matching (RFC 3501 §6.3.8): "*" matches anything, "%"
// anything but the hierarchy delimiter. The folder tree is walked only as
// deep as the pattern can reach. Directories are \Noselect folders with
// CHILDREN attributes (RFC 3348); files cannot have inferiors. Dot-files,
// lock files and names no client could type are never listed.
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { ListEntry } from './types';
import { DELIMITER, MAX_NAME_BYTES, isInboxName, isWithin } from './names';
import { isValidMutf7 } from './mutf7';

/** Directory levels and entries visited at most for one pattern. */
const MAX_DEPTH = 20;
const MAX_ENTRIES = 20_000;

export function patternRegExp(pattern: string, caseInsensitive = false): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '%') source += '[^/]*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

/** Whether `name` (with INBOX spelled any way) matches `pattern`. */
export function matches(pattern: string, name: string): boolean {
  if (isInboxName(name)) return patternRegExp(pattern, true).test(name);
  return patternRegExp(pattern).test(name);
}

/** The reference and pattern joined the way RFC 3501 describes. */
export function canonicalPattern(reference: string, pattern: string): string {
  if (pattern.startsWith(DELIMITER) || pattern.startsWith('~')) return pattern;
  if (reference === '') return pattern;
  return reference.endsWith(DELIMITER) || pattern === '' ? reference + pattern : `${reference}${pattern}`;
}

export interface WalkRoot {
  /** Directory the names are relative to. */
  readonly directory: string;
  /** What is put before each relative name ("" for the mail area). */
  readonly namePrefix: string;
  /** Real path outside of which symbolic links are not followed (undefined: anywhere). */
  readonly confineTo: string | undefined;
}

function listable(entry: string): boolean {
  return (
    !entry.startsWith('.') &&
    !entry.endsWith('.lock') &&
    !/[\x00-\x1f\x7f]/.test(entry) &&
    Buffer.byteLength(entry) <= 255 &&
    isValidMutf7(entry)
  );
}

function inside(root: string | undefined, path: string): boolean {
  if (root === undefined) return true;
  try {
    return isWithin(root, realpathSync(path));
  } catch {
    return false;
  }
}

/** Top-level names that mean something else: INBOX, "{host}" remote specs, "#" namespaces. */
function isReservedTopLevel(entry: string): boolean {
  return isInboxName(entry) || entry.startsWith('{') || entry.startsWith('#');
}

/** The literal directory a pattern starts in: "Work/" of "Work/a%", "" for "%". */
export function literalDirectory(pattern: string): string {
  const wildcard = pattern.search(/[*%]/);
  const literal = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  return literal.slice(0, literal.lastIndexOf(DELIMITER) + 1);
}

function entryStats(root: WalkRoot, path: string): Stats | undefined {
  try {
    const link = lstatSync(path);
    if (!link.isSymbolicLink()) return link;
    if (!inside(root.confineTo, path)) return undefined;
    // Mailbox files are opened without following a last-level link, so only linked directories are listed.
    const target = statSync(path);
    return target.isDirectory() || root.confineTo === undefined ? target : undefined;
  } catch {
    return undefined;
  }
}

function hasListableChildren(path: string): boolean {
  try {
    return readdirSync(path).some(listable);
  } catch {
    return false;
  }
}

/** Walks `root` and returns the entries whose names match `pattern`. */
export function walkMatches(root: WalkRoot, pattern: string): ListEntry[] {
  const regex = patternRegExp(pattern);
  const literal = literalDirectory(pattern);
  // Start below the literal part of the pattern: "Work/%" reads only Work/.
  const startRelative = literal.startsWith(root.namePrefix) ? literal.slice(root.namePrefix.length) : '';
  const rest = pattern.slice(root.namePrefix.length + startRelative.length);
  const depth = rest.includes('*') ? MAX_DEPTH : rest.split(DELIMITER).length;
  const out: ListEntry[] = [];
  let visited = 0;
  // Directories already walked, by identity: a link back up the tree ("self -> .") is listed once, not looped through.
  const walked = new Set<string>();
  const visit = (relative: string, level: number): void => {
    if (level > depth || visited > MAX_ENTRIES) return;
    const identity = directoryIdentity(join(root.directory, relative));
    if (identity === undefined || walked.has(identity)) return;
    walked.add(identity);
    let entries: string[];
    try {
      entries = readdirSync(join(root.directory, relative)).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++visited > MAX_ENTRIES) return;
      if (!listable(entry)) continue;
      if (relative === '' && root.namePrefix === '' && isReservedTopLevel(entry)) continue;
      const name = `${root.namePrefix}${relative}${entry}`;
      if (Buffer.byteLength(name) > MAX_NAME_BYTES) continue;
      const path = join(root.directory, relative, entry);
      const stats = entryStats(root, path);
      if (!stats) continue;
      if (stats.isDirectory()) {
        if (regex.test(name)) {
          out.push({ name, attributes: ['\\Noselect', hasListableChildren(path) ? '\\HasChildren' : '\\HasNoChildren'] });
        }
        visit(`${relative}${entry}/`, level + 1);
      } else if (stats.isFile() && regex.test(name)) {
        out.push({ name, attributes: ['\\NoInferiors'] });
      }
    }
  };
  visit(startRelative, 1);
  return out;
}

function directoryIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}
