// Modified UTF-7 (RFC 3501 §5.1.3), the form mailbox names take on the wire.
// Printable US-ASCII stands for itself except "&", which is written "&-";
// anything else is UTF-16BE in base64 (with "," for "/") between "&" and "-".
// Decoding is strict: a name that some other encoder could not have produced
// (needless encoding, adjacent encoded runs, stray bits, broken surrogates,
// raw 8-bit or control characters) is invalid, so every valid name has one
// spelling and one file.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const VALUE = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Encodes a Unicode name into its wire form. */
export function encodeMutf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    out += `&${encodeUnits(pending)}-`;
    pending = [];
  };
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (isDirect(code)) {
      flush();
      out += code === 0x26 ? '&-' : name[index];
    } else {
      pending.push(code);
    }
  }
  flush();
  return out;
}

function encodeUnits(units: readonly number[]): string {
  let out = '';
  let bits = 0;
  let count = 0;
  for (const unit of units) {
    bits = (bits << 16) | unit;
    count += 16;
    while (count >= 6) {
      count -= 6;
      out += ALPHABET[(bits >> count) & 0x3f];
    }
    bits &= (1 << count) - 1;
  }
  if (count > 0) out += ALPHABET[(bits << (6 - count)) & 0x3f];
  return out;
}

/** Decodes a wire name; undefined when it is not valid modified UTF-7. */
export function decodeMutf7(wire: string): string | undefined {
  let out = '';
  let index = 0;
  let previousWasEncoded = false;
  while (index < wire.length) {
    const code = wire.charCodeAt(index);
    if (!isDirect(code)) return undefined;
    if (code !== 0x26) {
      out += wire[index];
      index++;
      previousWasEncoded = false;
      continue;
    }
    const end = wire.indexOf('-', index + 1);
    if (end < 0) return undefined;
    if (end === index + 1) {
      out += '&';
      index = end + 1;
      previousWasEncoded = false;
      continue;
    }
    if (previousWasEncoded) return undefined;
    const decoded = decodeRun(wire.slice(index + 1, end));
    if (decoded === undefined) return undefined;
    out += decoded;
    index = end + 1;
    previousWasEncoded = true;
  }
  return out;
}

function decodeRun(run: string): string | undefined {
  const units: number[] = [];
  let bits = 0;
  let count = 0;
  for (const char of run) {
    const value = VALUE.get(char);
    if (value === undefined) return undefined;
    bits = ((bits << 6) | value) & 0xffffff;
    count += 6;
    if (count >= 16) {
      count -= 16;
      units.push((bits >> count) & 0xffff);
    }
  }
  // Leftover bits must be padding zeros, and fewer than one base64 digit.
  if (count >= 6 || (bits & ((1 << count) - 1)) !== 0) return undefined;
  for (let index = 0; index < units.length; index++) {
    const unit = units[index] ?? 0;
    if (isDirect(unit)) return undefined;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = units[index + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) return undefined;
      index++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return undefined;
    }
  }
  return String.fromCharCode(...units);
}

export function isValidMutf7(wire: string): boolean {
  return decodeMutf7(wire) !== undefined;
}
