// The part numbers a BODYSTRUCTURE reports (RFC 3501 §6.4.5): 1…n for the
// parts of a multipart, part 1 for the body of a message that is not
// multipart, and through a message/rfc822 part the parts of the message it
// holds.
import type { Value } from './response';

export interface ReportedPart {
  readonly path: readonly number[];
  readonly kind: 'multipart' | 'message' | 'leaf';
  /** body-fld-enc in upper case (leaf and message parts). */
  readonly encoding?: string;
  /** body-fld-octets (leaf and message parts). */
  readonly size?: number;
}

const DECODABLE = new Set(['7BIT', '8BIT', 'BINARY', 'BASE64', 'QUOTED-PRINTABLE']);

/** Whether RFC 3516 lets the server decode this part for BINARY (otherwise NO [UNKNOWN-CTE]). */
export function decodable(part: ReportedPart): boolean {
  return part.kind !== 'leaf' || DECODABLE.has(part.encoding ?? '7BIT');
}

export function reportedParts(structure: Value): ReportedPart[] {
  const out: ReportedPart[] = [];
  if (isMultipart(structure)) children(structure as Value[], [], out);
  else visit(structure, [1], out);
  return out;
}

function isMultipart(body: Value): boolean {
  return Array.isArray(body) && Array.isArray(body[0]);
}

function text(value: Value | undefined): string {
  return Buffer.isBuffer(value) ? value.toString('latin1').toUpperCase() : '';
}

/** The bodies of a multipart: the lists before its subtype (the extension data after it are lists too). */
function children(multipart: readonly Value[], prefix: readonly number[], out: ReportedPart[]): void {
  for (let index = 0; Array.isArray(multipart[index]); index++) visit(multipart[index] as Value, [...prefix, index + 1], out);
}

function visit(body: Value, path: readonly number[], out: ReportedPart[]): void {
  if (!Array.isArray(body)) throw new Error(`body ${path.join('.')} is not a list`);
  if (isMultipart(body)) {
    out.push({ path, kind: 'multipart' });
    children(body, path, out);
    return;
  }
  const isMessage = text(body[0]) === 'MESSAGE' && text(body[1]) === 'RFC822';
  out.push({ path, kind: isMessage ? 'message' : 'leaf', encoding: text(body[5]), size: Number(body[6]) });
  if (!isMessage) return;
  const inner = body[8];
  if (isMultipart(inner as Value)) children(inner as Value[], path, out);
  else visit(inner as Value, [...path, 1], out);
}
