// POP3 command lines and status lines (RFC 1939 §3, RFC 2449 §8). The wire
// layer knows the grammar only; what a command means is up to its handler.

/** RFC 2449 §8 and RFC 3206 response codes. */
export type ResponseCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY';

export interface CommandLine {
  /** The keyword, upper-cased. */
  readonly name: string;
  /** Everything after the first space, as sent (PASS may contain spaces). */
  readonly argument: string;
  /** The argument split on spaces. */
  readonly args: readonly string[];
}

/** Splits a command line; undefined for an empty (or all-blank) line. */
export function parseCommandLine(line: Buffer): CommandLine | undefined {
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const keyword = space < 0 ? text : text.slice(0, space);
  if (keyword.trim() === '') return undefined;
  const argument = space < 0 ? '' : text.slice(space + 1);
  return { name: keyword.toUpperCase(), argument, args: argument.split(' ').filter((word) => word !== '') };
}

/** A message number or count argument: decimal digits only, bounded. */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

export function ok(text: string): string {
  return `+OK ${text}`;
}

export function err(text: string, code?: ResponseCode): string {
  return code ? `-ERR [${code}] ${text}` : `-ERR ${text}`;
}

/** Makes client text safe to echo in a response line: 7-bit printable only. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}
