// RFC 2047 encoded words in header text, decoded for SEARCH and SORT.
// Adjacent encoded words are joined (the white space between them is not
// text), and their bytes are joined before charset decoding so that a
// character split across two words survives.
import { decodeCharset } from './charset';

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = (): void => {
    if (pending !== undefined) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const match of text.matchAll(ENCODED_WORD)) {
    const between = text.slice(last, match.index);
    const charset = (match[1] as string).split('*', 1)[0] as string;
    const bytes = wordBytes(match[2] as string, match[3] as string);
    // White space between two encoded words is not part of the text.
    const adjacent = pending !== undefined && /^[ \t\r\n]*$/.test(between);
    if (adjacent && pending?.charset.toLowerCase() === charset.toLowerCase()) {
      pending.bytes.push(bytes);
    } else {
      flush();
      if (!adjacent) out += between;
      pending = { charset, bytes: [bytes] };
    }
    last = (match.index ?? 0) + match[0].length;
  }
  flush();
  return out + text.slice(last);
}

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding === 'b' || encoding === 'B') return Buffer.from(data, 'base64');
  const bytes: number[] = [];
  for (let at = 0; at < data.length; at++) {
    const char = data[at] as string;
    if (char === '_') bytes.push(0x20);
    else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(data.slice(at + 1, at + 3))) {
      bytes.push(parseInt(data.slice(at + 1, at + 3), 16));
      at += 2;
    } else bytes.push(char.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}
