// Flags a client may set (APPEND, STORE): system flags in their canonical
// spelling (they are case-insensitive on the wire), keywords as given.
// \Recent belongs to the server and unknown system flags do not exist: BAD.
import { SYSTEM_FLAGS } from '../../mail/types';
import { ImapError } from '../command';

const CANONICAL = new Map<string, string>(SYSTEM_FLAGS.map((flag) => [flag.toLowerCase(), flag]));

export function storableFlags(flags: readonly string[]): string[] {
  const result: string[] = [];
  for (const flag of flags) {
    let canonical = flag;
    if (flag.startsWith('\\')) {
      const system = CANONICAL.get(flag.toLowerCase());
      if (!system) throw new ImapError('BAD', `Invalid system flag ${flag}`);
      canonical = system;
    }
    if (!result.includes(canonical)) result.push(canonical);
  }
  return result;
}
