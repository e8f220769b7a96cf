// Content-Type, Content-Disposition and Content-Language values (RFC 2045,
// 2183, 3282). Parameters keep their order and spelling; RFC 2231
// continuations are passed through as written, as UW does.
import { MIME_SPECIALS, type Token, tokenize } from './lexer';

export interface MimeParam {
  readonly name: string;
  readonly value: string;
}

export interface ContentType {
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly MimeParam[];
}

export interface Disposition {
  readonly type: string;
  readonly params: readonly MimeParam[];
}

/** UW's stand-in for `name` without `=value`. */
export const MISSING_PARAMETER_VALUE = 'MISSING_PARAMETER_VALUE';

const DEFAULT_SUBTYPES: Readonly<Record<string, string>> = {
  text: 'PLAIN',
  multipart: 'MIXED',
  message: 'RFC822',
  application: 'OCTET-STREAM',
  audio: 'BASIC',
};

export function defaultSubtype(type: string): string {
  return DEFAULT_SUBTYPES[type.toLowerCase()] ?? 'UNKNOWN';
}

/** Parses a Content-Type value; undefined when it names no type at all. */
export function parseContentType(value: string): ContentType | undefined {
  const tokens = tokenize(value, MIME_SPECIALS).filter((token) => token.kind !== 'comment');
  const type = tokens[0];
  if (type === undefined || type.kind !== 'atom') return undefined;
  let at = 1;
  let subtype = defaultSubtype(type.text);
  if (tokens[at]?.text === '/' && tokens[at]?.kind === 'special') {
    const next = tokens[at + 1];
    at += 1;
    if (next?.kind === 'atom') {
      subtype = next.text;
      at += 1;
    }
  }
  return { type: type.text, subtype, params: parseParams(tokens, at) };
}

export function parseDisposition(value: string): Disposition | undefined {
  const tokens = tokenize(value, MIME_SPECIALS).filter((token) => token.kind !== 'comment');
  const type = tokens[0];
  if (type === undefined || (type.kind !== 'atom' && type.kind !== 'quoted')) return undefined;
  return { type: type.text, params: parseParams(tokens, 1) };
}

/** Language tags of Content-Language, in order. */
export function parseLanguages(value: string): string[] {
  return tokenize(value, MIME_SPECIALS)
    .filter((token) => token.kind === 'atom' || token.kind === 'quoted')
    .map((token) => token.text);
}

/** `; name=value` pairs from tokens[at]; junk up to the next `;` is skipped. */
function parseParams(tokens: readonly Token[], at: number): MimeParam[] {
  const params: MimeParam[] = [];
  let index = at;
  const isSemicolon = (token: Token | undefined): boolean => token?.kind === 'special' && token.text === ';';
  while (index < tokens.length) {
    while (index < tokens.length && !isSemicolon(tokens[index])) index += 1;
    index += 1;
    const name = tokens[index];
    if (name === undefined || name.kind !== 'atom') continue;
    index += 1;
    const equals = tokens[index];
    if (equals?.kind !== 'special' || equals.text !== '=') {
      params.push({ name: name.text, value: MISSING_PARAMETER_VALUE });
      continue;
    }
    index += 1;
    // Tolerate unquoted tspecials (e.g. protocol=application/pgp-signature).
    let value = '';
    while (index < tokens.length && !isSemicolon(tokens[index])) {
      value += (tokens[index] as Token).text;
      index += 1;
    }
    params.push({ name: name.text, value });
  }
  return params;
}

/** The value of parameter `name` (case-insensitive), if present. */
export function paramValue(params: readonly MimeParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return params.find((param) => param.name.toLowerCase() === lower)?.value;
}
