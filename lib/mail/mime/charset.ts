// Bytes in a named charset to Unicode. UTF-8 and ASCII are handled by Node
// itself, as is every WHATWG encoding (TextDecoder, built in with ICU).
// Other labels load iconv-lite on first use: loading it costs every
// connection time it usually does not need.
import { createRequire } from 'node:module';
import { TextDecoder } from 'node:util';
import { bytesToText } from './bytes';

interface IconvLite {
  encodingExists(label: string): boolean;
  decode(bytes: Buffer, label: string): string;
}

let iconv: IconvLite | undefined;

function loadIconv(): IconvLite {
  iconv ??= createRequire(__filename)('iconv-lite') as IconvLite;
  return iconv;
}

const NATIVE = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8', 'ansi_x3.4-1968', 'ansi-x3.4-1968', 'iso-646-us']);

function normalize(charset: string | undefined): string {
  return (charset ?? '').trim().toLowerCase();
}

function textDecoder(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** Whether text in `charset` can be converted (for SEARCH's BADCHARSET). */
export function isKnownCharset(charset: string): boolean {
  const label = normalize(charset);
  return NATIVE.has(label) || textDecoder(label) !== undefined || loadIconv().encodingExists(label);
}

/**
 * Decodes `bytes`. An unknown or missing charset, and 8-bit data labelled
 * ASCII, fall back to UTF-8 when valid and Latin-1 otherwise.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = normalize(charset);
  if (NATIVE.has(label)) return bytesToText(bytes);
  const decoder = textDecoder(label);
  if (decoder !== undefined) return decoder.decode(bytes);
  const converter = loadIconv();
  return converter.encodingExists(label) ? converter.decode(bytes, label) : bytesToText(bytes);
}
