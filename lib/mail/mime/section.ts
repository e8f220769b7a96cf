// BODY[section] (RFC 3501 §6.4.5): which bytes of a message a section
// specifier names. Part numbers address the body parts of the message and,
// through a message/rfc822 part, of the message it encapsulates; HEADER,
// HEADER.FIELDS, HEADER.FIELDS.NOT and TEXT then apply to a message, MIME to
// any part.
import type { ByteRange } from './bytes';
import { CR, LF } from './bytes';
import { readHeader } from './header';
import type { MimePart } from './structure';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  /** Part numbers, e.g. [1, 2, 3] for 1.2.3; empty for the whole message. */
  readonly part: readonly number[];
  readonly text?: SectionText;
  /** Field names for HEADER.FIELDS and HEADER.FIELDS.NOT. */
  readonly fields?: readonly string[];
}

/**
 * The body part that a part number names, or undefined when there is none.
 * A non-multipart message has exactly one part, 1: its own body.
 */
export function findPart(root: MimePart, path: readonly number[]): MimePart | undefined {
  let current = root;
  let isMessage = true;
  for (const number of path) {
    if (!isMessage && current.kind === 'message' && current.message !== undefined) {
      current = current.message;
      isMessage = true;
    }
    if (current.kind === 'multipart') {
      const child = current.parts[number - 1];
      if (child === undefined) return undefined;
      current = child;
      isMessage = false;
    } else if (isMessage && number === 1) {
      isMessage = false;
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * The content of a section, or undefined when the message has no such
 * section. The result shares memory with `message` unless fields were picked.
 */
export function sectionContent(message: Buffer, root: MimePart, spec: SectionSpec): Buffer | undefined {
  const range = sectionRange(root, spec);
  if (range === undefined) return undefined;
  if (spec.text === 'HEADER.FIELDS' || spec.text === 'HEADER.FIELDS.NOT') {
    return pickFields(message, range, spec.fields ?? [], spec.text === 'HEADER.FIELDS.NOT');
  }
  return message.subarray(range.start, range.end);
}

/** The byte range a section covers (for HEADER.FIELDS: the header it filters). */
export function sectionRange(root: MimePart, spec: SectionSpec): ByteRange | undefined {
  if (spec.part.length === 0) {
    switch (spec.text) {
      case undefined:
        return { start: root.header.start, end: root.body.end };
      case 'TEXT':
        return root.body;
      case 'MIME':
        return undefined;
      default:
        return root.header;
    }
  }
  const part = findPart(root, spec.part);
  if (part === undefined) return undefined;
  switch (spec.text) {
    case undefined:
      return part.body;
    case 'MIME':
      return part.header;
    case 'TEXT':
      return part.message?.body;
    default:
      return part.message?.header;
  }
}

/** The named fields of a header (or all others), as written, then the blank line. */
function pickFields(message: Buffer, header: ByteRange, names: readonly string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const pieces: Buffer[] = [];
  for (const field of readHeader(message, header.start, header.end).fields) {
    if (wanted.has(field.name) === exclude) continue;
    pieces.push(message.subarray(field.start, field.end));
    if (message[field.end - 1] !== LF) pieces.push(CRLF);
  }
  pieces.push(CRLF);
  return Buffer.concat(pieces);
}

const CRLF = Buffer.from([CR, LF]);
