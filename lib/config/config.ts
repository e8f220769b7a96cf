// The configuration file, in the spirit of UW's /etc/c-client.cf: one
// `set option value` per line, `#` starts a comment. Command-line `--set`
// overrides apply on top. Unknown options and bad values are collected as
// findings rather than thrown, so a typo never stops mail service; `--check`
// reports them.
import { readFileSync } from 'node:fs';
import { OPTIONS, isOptionName, type OptionName } from './options';

export const DEFAULT_CONFIG_PATH = '/etc/imapd.cf';

export interface Config {
  readonly path: string;
  readonly values: Readonly<Record<OptionName, string>>;
  readonly problems: readonly string[];
  string(name: OptionName): string;
  boolean(name: OptionName): boolean;
  number(name: OptionName): number;
  list(name: OptionName): string[];
}

const TRUE_WORDS = new Set(['yes', 'true', 't', 'on', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'nil', 'off', '0']);

export function parseBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

function validate(name: OptionName, value: string): string | undefined {
  const kind = OPTIONS[name].kind;
  if (kind === 'boolean' && parseBoolean(value) === undefined) return `${name}: "${value}" is not yes or no`;
  if ((kind === 'seconds' || kind === 'bytes') && !/^\d+$/.test(value)) return `${name}: "${value}" is not a whole number`;
  return undefined;
}

/** Parses configuration text; `origin` names the source in findings. */
export function parseConfigText(text: string, origin: string, into: Record<string, string>, problems: string[]): void {
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const match = /^set\s+(\S+)(?:\s+(.*))?$/i.exec(line);
    if (!match) {
      problems.push(`${origin}:${index + 1}: expected "set option value"`);
      return;
    }
    applySetting(match[1] ?? '', (match[2] ?? '').trim(), `${origin}:${index + 1}`, into, problems);
  });
}

export function applySetting(name: string, value: string, origin: string, into: Record<string, string>, problems: string[]): void {
  if (!isOptionName(name)) {
    problems.push(`${origin}: unknown option "${name}"`);
    return;
  }
  const problem = validate(name, value);
  if (problem) problems.push(`${origin}: ${problem}`);
  else into[name] = value;
}

export interface LoadOptions {
  /** Explicit file; otherwise $IMAPD_CONFIG, otherwise /etc/imapd.cf if present. */
  readonly path?: string;
  /** `name=value` overrides from the command line. */
  readonly overrides?: readonly string[];
}

export function loadConfig(options: LoadOptions = {}): Config {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) values[name] = spec.default;
  const problems: string[] = [];
  const path = options.path ?? process.env.IMAPD_CONFIG ?? DEFAULT_CONFIG_PATH;
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || options.path !== undefined) problems.push(`${path}: cannot read (${(error as Error).message})`);
  }
  if (text !== undefined) parseConfigText(text, path, values, problems);
  for (const override of options.overrides ?? []) {
    const eq = override.indexOf('=');
    if (eq < 0) problems.push(`--set ${override}: expected option=value`);
    else applySetting(override.slice(0, eq), override.slice(eq + 1), `--set ${override}`, values, problems);
  }
  return makeConfig(path, values as Record<OptionName, string>, problems);
}

function makeConfig(path: string, values: Record<OptionName, string>, problems: string[]): Config {
  return {
    path,
    values,
    problems,
    string: (name) => values[name],
    boolean: (name) => parseBoolean(values[name]) ?? false,
    number: (name) => Number(values[name]),
    list: (name) => values[name].split(/[\s,]+/).filter((item) => item !== ''),
  };
}
