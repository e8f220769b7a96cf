// The hosts_options(5) field of a matched rule: `allow` and `deny` decide,
// a malformed option denies (as libwrap does), and the rest are checked for
// form and then ignored. Nothing here ever runs a command: `spawn` is
// skipped, and `twist` and `aclexec`, which would replace or gate the
// server with a shell command, refuse the client instead.

export type OptionsOutcome =
  | { readonly kind: 'allow' | 'deny' | 'continue'; readonly severity?: string }
  | { readonly kind: 'refuse'; readonly why: string };

type ArgumentRule = 'none' | 'required' | 'optional';

interface OptionRule {
  readonly argument: ArgumentRule;
  /** allow, deny and twist must end the rule. */
  readonly last?: boolean;
  readonly valid?: (value: string) => boolean;
}

const LEVELS = new Set(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);
const FACILITIES = new Set([
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]);

function validSeverity(value: string): boolean {
  const parts = value.toLowerCase().split('.');
  if (parts.length === 1) return LEVELS.has(parts[0] ?? '');
  return parts.length === 2 && FACILITIES.has(parts[0] ?? '') && LEVELS.has(parts[1] ?? '');
}

const OPTION_RULES: Record<string, OptionRule> = {
  allow: { argument: 'none', last: true },
  deny: { argument: 'none', last: true },
  twist: { argument: 'required', last: true },
  spawn: { argument: 'required' },
  aclexec: { argument: 'required' },
  severity: { argument: 'required', valid: validSeverity },
  umask: { argument: 'required', valid: (value) => /^[0-7]+$/.test(value) },
  nice: { argument: 'optional', valid: (value) => /^[+-]?\d+$/.test(value) },
  linger: { argument: 'required', valid: (value) => /^\d+$/.test(value) },
  rfc931: { argument: 'optional', valid: (value) => /^\d+$/.test(value) },
  keepalive: { argument: 'none' },
  banners: { argument: 'required' },
  setenv: { argument: 'required' },
  user: { argument: 'required' },
  group: { argument: 'required' },
};

export function applyOptions(field: string): OptionsOutcome {
  const options = splitOptions(field);
  let severity: string | undefined;
  for (let index = 0; index < options.length; index++) {
    const option = options[index] ?? '';
    const match = /^([^\s=]*)\s*(?:=\s*)?(.*)$/s.exec(option);
    const keyword = (match?.[1] ?? '').toLowerCase();
    const value = (match?.[2] ?? '').trim();
    const rule = Object.hasOwn(OPTION_RULES, keyword) ? OPTION_RULES[keyword] : undefined;
    if (!rule) return { kind: 'refuse', why: `bad option name "${keyword}"` };
    if (rule.argument === 'none' && value !== '') return { kind: 'refuse', why: `option "${keyword}" takes no value` };
    if (rule.argument === 'required' && value === '') return { kind: 'refuse', why: `option "${keyword}" needs a value` };
    if (value !== '' && rule.valid && !rule.valid(value)) return { kind: 'refuse', why: `bad value for option "${keyword}": ${value}` };
    if (rule.last && index !== options.length - 1) return { kind: 'refuse', why: `option "${keyword}" must be the last one` };
    if (keyword === 'severity') severity = value.toLowerCase();
    if (keyword === 'allow' || keyword === 'deny') return { kind: keyword, severity };
    if (keyword === 'twist') return { kind: 'refuse', why: 'twist is not supported (no shell commands are run)' };
    if (keyword === 'aclexec') return { kind: 'refuse', why: 'aclexec is not supported (no shell commands are run)' };
  }
  return { kind: 'continue', severity };
}

/** Options are separated by `:`; a backslash protects a colon inside one. */
function splitOptions(field: string): string[] {
  const options: string[] = [];
  let current = '';
  for (let index = 0; index < field.length; index++) {
    const char = field[index];
    if (char === '\\' && field[index + 1] === ':') {
      current += ':';
      index += 1;
    } else if (char === ':') {
      options.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  options.push(current.trim());
  return options;
}
