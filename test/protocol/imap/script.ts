// Protocol scripts in the spirit of imaptest: what the client sends and
// exactly what the server must answer, beside an mbox fixture.
//
//   # set max-literal 100       an imapd.cf setting for this script
//   # mbox other.mbox           INBOX fixture (default: the .mbox named like the script, if any)
//   # comment                   ignored, as are blank lines
//   C: a SELECT INBOX           a client line (CRLF added)
//   C: b APPEND INBOX {+}       `{+}` becomes `{n+}` for the D: lines that follow
//   D: Subject: hi              literal data, one line each (joined with CRLF, CRLF at the end)
//   C:                          the rest of the command line after the literal
//   S: * 1 EXISTS               an expected server line, exactly
//   S~ ^\* OK \[UIDVALIDITY \d+\]   an expected server line, as a regular expression
//
// The client lines are sent in one go (pipelined, as a client may) and the
// whole answer is compared line by line, so scripts cannot depend on timing.

export interface Expectation {
  readonly text: string;
  readonly pattern: RegExp | undefined;
  readonly line: number;
}

export interface Script {
  readonly settings: Readonly<Record<string, string>>;
  readonly mbox: string | undefined;
  readonly input: Buffer;
  readonly expected: readonly Expectation[];
}

export function parseScript(text: string): Script {
  const input: Buffer[] = [];
  const expected: Expectation[] = [];
  const settings: Record<string, string> = {};
  let mbox: string | undefined;
  let pending: { head: string; data: string[] } | undefined;
  const flushLiteral = (): void => {
    if (!pending) return;
    const data = Buffer.from(pending.data.map((line) => `${line}\r\n`).join(''), 'utf8');
    input.push(Buffer.from(`${pending.head.slice(0, -3)}{${data.length}+}\r\n`, 'utf8'), data);
    pending = undefined;
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('D: ') || line === 'D:') {
      if (!pending) throw new Error(`line ${index + 1}: D: without a C: line ending in {+}`);
      pending.data.push(line.slice(3));
      return;
    }
    flushLiteral();
    const setting = /^# set (\S+) (.*)$/.exec(line);
    if (setting) settings[setting[1] ?? ''] = setting[2] ?? '';
    if (line.startsWith('# mbox ')) mbox = line.slice('# mbox '.length).trim();
    if (line === '' || line.startsWith('#')) return;
    const kind = line.slice(0, 3);
    const body = line.slice(3);
    if (kind === 'C: ' || line === 'C:') {
      if (body.endsWith('{+}')) pending = { head: body, data: [] };
      else input.push(Buffer.from(`${body}\r\n`, 'utf8'));
    } else if (kind === 'S: ') {
      expected.push({ text: body, pattern: undefined, line: index + 1 });
    } else if (kind === 'S~ ') {
      expected.push({ text: body, pattern: new RegExp(body), line: index + 1 });
    } else {
      throw new Error(`line ${index + 1}: expected C:, D:, S: or S~, got ${JSON.stringify(line)}`);
    }
  });
  flushLiteral();
  return { settings, mbox, input: Buffer.concat(input), expected };
}

/** Differences between the server's lines and the script's expectations (empty when they agree). */
export function compareOutput(actual: readonly string[], expected: readonly Expectation[]): string[] {
  const problems: string[] = [];
  const length = Math.max(actual.length, expected.length);
  for (let index = 0; index < length; index++) {
    const got = actual[index];
    const want = expected[index];
    if (want === undefined) problems.push(`extra output: ${got}`);
    else if (got === undefined) problems.push(`script line ${want.line}: missing ${want.text}`);
    else if (want.pattern ? !want.pattern.test(got) : got !== want.text) problems.push(`script line ${want.line}: expected ${want.text}\n    got ${got}`);
    if (problems.length >= 5) break;
  }
  return problems;
}
