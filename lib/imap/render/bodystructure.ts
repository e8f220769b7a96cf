// BODY and BODYSTRUCTURE in IMAP syntax (RFC 3501 §7.4.2), written the way
// UW does: type, subtype, encoding and parameter names in upper case,
// parameter values as written, and a text part without any parameters
// reported with its RFC 2045 default ("CHARSET" "US-ASCII").
import type { MimeParam } from '../../mail/mime/content';
import { envelopeOf } from '../../mail/mime/envelope';
import type { MimePart } from '../../mail/mime/structure';
import type { Encoder } from '../wire/encoder';
import { writeEnvelope } from './envelope';

const DEFAULT_TEXT_PARAMS: readonly MimeParam[] = [{ name: 'CHARSET', value: 'US-ASCII' }];

/** Writes `part` (normally a message's root part); `extended` selects BODYSTRUCTURE. */
export function writeBodyStructure(out: Encoder, message: Buffer, part: MimePart, extended: boolean): Encoder {
  out.raw('(');
  if (part.kind === 'multipart') {
    for (const child of part.parts) writeBodyStructure(out, message, child, extended);
    out.sp().string(part.subtype.toUpperCase());
    if (extended) {
      out.sp();
      writeParams(out, part.params);
      writeExtensions(out, part);
    }
    return out.raw(')');
  }
  const isText = part.type.toUpperCase() === 'TEXT';
  out.string(part.type.toUpperCase()).sp().string(part.subtype.toUpperCase()).sp();
  writeParams(out, isText && part.params.length === 0 ? DEFAULT_TEXT_PARAMS : part.params);
  out.sp().nstring(part.id).sp().nstring(part.description).sp();
  out.string((part.encoding ?? '7BIT').toUpperCase()).sp().number(part.body.end - part.body.start);
  if (part.kind === 'message' && part.message !== undefined) {
    out.sp();
    writeEnvelope(out, envelopeOf(message, part.message.header));
    out.sp();
    writeBodyStructure(out, message, part.message, extended);
    out.sp().number(part.lines);
  } else if (isText) {
    out.sp().number(part.lines);
  }
  if (extended) {
    out.sp().nstring(part.md5);
    writeExtensions(out, part);
  }
  return out.raw(')');
}

/** body-fld-dsp, body-fld-lang, body-fld-loc (shared by both body kinds). */
function writeExtensions(out: Encoder, part: MimePart): void {
  out.sp();
  if (part.disposition === undefined) out.raw('NIL');
  else {
    out.raw('(').string(part.disposition.type.toUpperCase()).sp();
    writeParams(out, part.disposition.params);
    out.raw(')');
  }
  out.sp();
  if (part.language === undefined || part.language.length === 0) out.raw('NIL');
  else out.list(part.language, (tag) => void out.string(tag));
  out.sp().nstring(part.location);
}

function writeParams(out: Encoder, params: readonly MimeParam[]): void {
  if (params.length === 0) {
    out.raw('NIL');
    return;
  }
  out.list(params, (param) => void out.string(param.name.toUpperCase()).sp().string(param.value));
}
