// Reading hosts.allow / hosts.deny into rules, the way libwrap reads them:
// a backslash before a newline joins lines, a line whose FIRST character is
// `#` is a comment (an indented `#` is not: libwrap parses it as a daemon
// list), and each rule is `daemons : clients [: options]`. Colons inside
// `[...]` (IPv6 addresses) do not separate fields. Like libwrap, a last
// line without a newline is skipped (and reported), so that tcpdmatch keeps
// predicting our verdicts.

export interface AccessRule {
  readonly file: string;
  /** Line where the rule starts (1-based). */
  readonly line: number;
  readonly daemons: string;
  readonly clients: string;
  /** The hosts_options(5) part, undefined when the rule has none. */
  readonly options: string | undefined;
}

export interface AccessTable {
  readonly rules: readonly AccessRule[];
  /** Lines libwrap skips with a warning (for `--check`). */
  readonly problems: readonly string[];
}

export function parseAccessTable(text: string, file: string): AccessTable {
  const rules: AccessRule[] = [];
  const problems: string[] = [];
  const physical = text.split('\n');
  for (let index = 0; index < physical.length; index++) {
    const start = index + 1;
    let line = physical[index] ?? '';
    while (line.endsWith('\\') && index + 1 < physical.length) {
      index += 1;
      line = line.slice(0, -1) + (physical[index] ?? '');
    }
    if (index === physical.length - 1 && line !== '') {
      problems.push(`${file}:${start}: missing newline at end of file; the line is ignored`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const body = line.replace(/^[ \t\r]+/, '');
    if (body.replace(/[ \t\r]+$/, '') === '') continue;
    const first = splitAt(body, ':');
    if (!first) {
      problems.push(`${file}:${start}: missing ":" separator`);
      continue;
    }
    const second = splitAt(first[1], ':');
    rules.push({
      file,
      line: start,
      daemons: first[0],
      clients: second ? second[0] : first[1],
      options: second ? second[1] : undefined,
    });
  }
  return { rules, problems };
}

/**
 * Splits at the first `delimiter` outside square brackets, searching from
 * `from`; undefined when there is none.
 */
export function splitAt(text: string, delimiter: string, from = 0): [string, string] | undefined {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === delimiter && depth === 0) return [text.slice(0, index), text.slice(index + 1)];
  }
  return undefined;
}

/** List elements are separated by blanks and/or commas. */
export function listTokens(list: string): string[] {
  return list.split(/[ ,\t\r\n]+/).filter((token) => token !== '');
}
