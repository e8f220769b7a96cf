// Reads an IMAP server's output as responses (RFC 3501 §7 and §9) and says
// what is wrong with each: a response is a continuation request, an
// untagged response or a tagged status, with literals ({n} and BINARY's
// ~{n}) inline. Parsing is incremental so the fuzz client can follow a
// session while it runs.

export type ImapResponse =
  | { readonly kind: 'continuation'; readonly text: string }
  | { readonly kind: 'untagged'; readonly name: string; readonly text: string }
  | { readonly kind: 'tagged'; readonly tag: string; readonly status: string; readonly text: string }
  | { readonly kind: 'malformed'; readonly text: string };

export interface Parsed {
  readonly responses: ImapResponse[];
  /** Bytes consumed; the rest is an incomplete response. */
  readonly consumed: number;
}

const LITERAL_AT_END = /~?\{(\d+)\}$/;

/** Complete responses in `output` from `from` on. Literal data is replaced by an empty placeholder. */
export function parseResponses(output: Buffer, from: number): Parsed {
  const responses: ImapResponse[] = [];
  let at = from;
  for (;;) {
    let text = '';
    let cursor = at;
    let complete = false;
    for (;;) {
      const end = output.indexOf(10, cursor);
      if (end < 0) break;
      const line = output.toString('latin1', cursor, end);
      cursor = end + 1;
      if (!line.endsWith('\r')) {
        text += `${line}<bare LF>`;
        complete = true;
        break;
      }
      const body = line.slice(0, -1);
      const literal = LITERAL_AT_END.exec(body);
      if (!literal) {
        text += body;
        complete = true;
        break;
      }
      const size = Number(literal[1]);
      if (cursor + size > output.length) break;
      text += `${body}<literal>`;
      cursor += size;
    }
    if (!complete) return { responses, consumed: at };
    responses.push(classify(text));
    at = cursor;
  }
}

/** An IMAP tag: ASTRING-CHARs except "+" (no CTL, SP, 8-bit, ( ) { % * " \). */
const TAG = /^[!#$&'\x2c-\x5b\x5d-\x7a|}~]+$/;
const UNTAGGED_NAMES = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH', 'CAPABILITY', 'LIST', 'LSUB', 'STATUS', 'SEARCH', 'ESEARCH', 'FLAGS', 'SORT', 'THREAD', 'NAMESPACE', 'ENABLED', 'ID']);
const NUMBERED_NAMES = new Set(['EXISTS', 'RECENT', 'EXPUNGE', 'FETCH']);

function classify(text: string): ImapResponse {
  if (text === '+' || text.startsWith('+ ')) return { kind: 'continuation', text };
  if (text.startsWith('* ')) {
    const numbered = /^\* (\d+) ([A-Z]+)/.exec(text);
    if (numbered) return { kind: 'untagged', name: numbered[2] ?? '', text };
    const name = /^\* ([A-Z]+)/.exec(text)?.[1] ?? '';
    return { kind: 'untagged', name, text };
  }
  const tagged = /^(\S+) (OK|NO|BAD)(?: (.*))?$/.exec(text);
  if (tagged) return { kind: 'tagged', tag: tagged[1] ?? '', status: tagged[2] ?? '', text };
  return { kind: 'malformed', text };
}

/** What is wrong with one response (undefined when nothing). */
export function responseProblem(response: ImapResponse): string | undefined {
  const text = response.text;
  if (/[\0\r]|<bare LF>/.test(text.replace(/<literal>/g, ''))) return 'NUL, CR or bare LF outside a literal';
  if (/[\x80-\xff]/.test(text)) return '8-bit bytes outside a literal';
  if (text.includes('[SERVERBUG]')) return 'the server hit an internal error';
  switch (response.kind) {
    case 'malformed':
      return 'neither "*", "+" nor a tagged OK/NO/BAD';
    case 'continuation':
      return undefined;
    case 'tagged':
      if (!TAG.test(response.tag)) return `invalid tag ${JSON.stringify(response.tag)}`;
      return statusTextProblem(text.slice(response.tag.length + 1 + response.status.length));
    case 'untagged': {
      if (/^\* \d+ /.test(text)) {
        if (!NUMBERED_NAMES.has(response.name)) return `unknown numbered response ${response.name}`;
        return response.name === 'FETCH' ? dataProblem(text.slice(2)) : /^\* \d+ [A-Z]+$/.test(text) ? undefined : 'text after a count';
      }
      if (!UNTAGGED_NAMES.has(response.name)) return `unknown untagged response ${JSON.stringify(response.name)}`;
      if (['OK', 'NO', 'BAD', 'BYE', 'PREAUTH'].includes(response.name)) return statusTextProblem(text.slice(2 + response.name.length));
      return dataProblem(text.slice(2));
    }
  }
}

/** resp-text: SP, an optional [code] with balanced brackets, then text. */
function statusTextProblem(rest: string): string | undefined {
  if (!rest.startsWith(' ') || rest.length < 2) return 'status without text';
  if (rest.startsWith(' [')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'response code without "]"';
    return dataProblem(rest.slice(2, close));
  }
  return undefined;
}

/** Data in response syntax: balanced parentheses, well-formed quoted strings. */
function dataProblem(data: string): string | undefined {
  let depth = 0;
  for (let index = 0; index < data.length; index++) {
    const char = data[index];
    if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth < 0) return 'unbalanced ")"';
    } else if (char === '"') {
      index += 1;
      while (index < data.length && data[index] !== '"') {
        if (data[index] === '\\') {
          const next = data[index + 1];
          if (next !== '"' && next !== '\\') return `invalid quoted-string escape \\${next ?? ''}`;
          index += 1;
        }
        index += 1;
      }
      if (index >= data.length) return 'unterminated quoted string';
    }
  }
  return depth === 0 ? undefined : 'unbalanced "("';
}
