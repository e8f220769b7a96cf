// The encodings the generator writes: charsets, quoted-printable, base64
// and RFC 2047 encoded words. Everything returns "binary" strings (one
// char per byte, latin1), which the generator joins and writes as bytes.
import iconv from 'iconv-lite';

export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

/** The bytes of `text` in `charset`, as a binary string. */
export function charsetBytes(text: string, charset: string): string {
  const bytes = charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
  return bytes.toString('latin1');
}

/** Base64 in lines of 76 characters, each ended by LF. */
export function base64Lines(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return `${lines.join('\n')}\n`;
}

/** Quoted-printable (RFC 2045) of binary text with LF line ends. */
export function quotedPrintable(binary: string): string {
  return binary
    .split('\n')
    .map((line) => {
      let out = '';
      let width = 0;
      for (let i = 0; i < line.length; i++) {
        const code = line.charCodeAt(i);
        const last = i === line.length - 1;
        const plain = (code >= 33 && code <= 126 && code !== 61) || (code === 32 && !last);
        const piece = plain ? line.charAt(i) : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
        if (width + piece.length > 75) {
          out += '=\n';
          width = 0;
        }
        out += piece;
        width += piece.length;
      }
      return out;
    })
    .join('\n');
}

/** A body part's content in the given transfer encoding. */
export function encodeContent(binary: string, encoding: TransferEncoding): string {
  if (encoding === 'base64') return base64Lines(Buffer.from(binary, 'latin1'));
  if (encoding === 'quoted-printable') return quotedPrintable(binary);
  return binary;
}

/**
 * RFC 2047 encoded words for `text`, split so each word stays under 75
 * characters and no character is cut in two.
 */
export function encodedWords(text: string, charset: string, mode: 'B' | 'Q'): string {
  const words: string[] = [];
  const characters = Array.from(text);
  const perWord = mode === 'B' ? 12 : 16;
  for (let at = 0; at < characters.length; at += perWord) {
    const bytes = Buffer.from(charsetBytes(characters.slice(at, at + perWord).join(''), charset), 'latin1');
    const payload = mode === 'B' ? bytes.toString('base64') : qEncode(bytes);
    words.push(`=?${charset.toUpperCase()}?${mode}?${payload}?=`);
  }
  return words.join(' ');
}

function qEncode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 32) out += '_';
    else if ((byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)) out += String.fromCharCode(byte);
    else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `Name: value`, folded at spaces so that lines stay within 78 characters. */
export function header(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  let first = true;
  for (const word of value.split(' ')) {
    if (!first && line.length + 1 + word.length > 78) {
      lines.push(line);
      line = `\t${word}`;
    } else {
      line += ` ${word}`;
    }
    first = false;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}
