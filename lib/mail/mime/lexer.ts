// A lexer for structured header values (RFC 5322 §3.2, RFC 2045 §5.1):
// atoms, quoted strings, comments, domain literals and specials. It never
// throws: an unterminated quote or comment simply runs to the end.

export type Token =
  | { readonly kind: 'atom'; readonly text: string }
  | { readonly kind: 'quoted'; readonly text: string }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'special'; readonly text: string };

/** RFC 5322 specials, less "." which obsolete phrases and local parts allow in atoms. */
export const ADDRESS_SPECIALS = '()<>@,;:\\"[]';
/** RFC 2045 tspecials. */
export const MIME_SPECIALS = '()<>@,;:\\"/[]?=';

export function tokenize(text: string, specials: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      at += 1;
    } else if (char === '"') {
      const [value, next] = readQuoted(text, at + 1, '"');
      tokens.push({ kind: 'quoted', text: value });
      at = next;
    } else if (char === '(') {
      const [value, next] = readComment(text, at + 1);
      tokens.push({ kind: 'comment', text: value });
      at = next;
    } else if (char === '[' && specials === ADDRESS_SPECIALS) {
      const [value, next] = readQuoted(text, at + 1, ']');
      tokens.push({ kind: 'literal', text: `[${value}]` });
      at = next;
    } else if (specials.includes(char)) {
      tokens.push({ kind: 'special', text: char });
      at += 1;
    } else {
      let end = at + 1;
      while (end < text.length && !isAtomEnd(text[end] as string, specials)) end += 1;
      tokens.push({ kind: 'atom', text: text.slice(at, end) });
      at = end;
    }
  }
  return tokens;
}

function isAtomEnd(char: string, specials: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n' || char === '"' || char === '(' || specials.includes(char);
}

/** Reads up to the closing `close`, undoing backslash escapes. */
function readQuoted(text: string, start: number, close: string): [string, number] {
  let value = '';
  let at = start;
  while (at < text.length) {
    const char = text[at] as string;
    if (char === close) return [value, at + 1];
    if (char === '\\' && at + 1 < text.length) {
      value += text[at + 1];
      at += 2;
    } else {
      value += char === '\r' || char === '\n' ? '' : char;
      at += 1;
    }
  }
  return [value, at];
}

/** Reads a (possibly nested) comment; returns its inner text as written. */
function readComment(text: string, start: number): [string, number] {
  let depth = 1;
  let at = start;
  while (at < text.length) {
    const char = text[at];
    if (char === '\\') at += 1;
    else if (char === '(') depth += 1;
    else if (char === ')' && --depth === 0) return [text.slice(start, at), at + 1];
    at += 1;
  }
  return [text.slice(start), at];
}
