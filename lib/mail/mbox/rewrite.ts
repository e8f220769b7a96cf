// Turns pending changes (flags, UIDs still only in memory, the folder base,
// expunges) into one journaled Rewrite. Status headers are changed in place
// wherever their padded run has room; from the first message where that is
// impossible (or that is expunged) the rest of the file is regenerated, the
// way UW writes it: From line, header without store headers, status block,
// blank line, text, blank separator line. A file whose base must be
// (re)written from the start gets UW's pseudo-message.
import { hostname } from 'node:os';
import { readAt, readRange } from './file-io';
import { ReadAhead } from './read-ahead';
import { ctime } from './from-line';
import type { Patch, Rewrite, TailSink } from './journal';
import { DIRTY, GHOST, NO_UID, RECENT, type MessageRow } from './message-index';
import type { FolderState } from './folder';
import { headerWithoutBlank, withoutStoreHeaders } from './serialize';
import {
  OLD,
  SYSTEM_BITS,
  baseLine,
  fitStatusBlock,
  formatBaseLine,
  formatPseudoMessage,
  formatStatusBlock,
  type FolderBase,
  type StatusBlock,
} from './status-headers';

const CHUNK = 1 << 20;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface Placement {
  readonly start: number;
  readonly headerStart: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly statusStart: number;
  readonly statusEnd: number;
  readonly servedHeader: number;
  readonly servedBody: number;
}

export interface RewritePlan {
  readonly rewrite: Rewrite;
  /** Rows patched in place or regenerated: their DIRTY and NO_UID bits clear on success. */
  readonly written: readonly number[];
  /** New file positions of regenerated rows (filled while the journal is written). */
  readonly placements: Map<number, Placement>;
  /** Where the base will be on disk afterwards. */
  readonly base: () => { pseudo: boolean; lineStart: number; lineEnd: number; messageStart: number } | undefined;
}

function localHost(): string {
  return hostname().split('.')[0] || 'localhost';
}

/** RFC 822 date as UW writes it in the pseudo-message: "27 Nov 2026 17:50:02 +0000". */
function pseudoDate(date: Date): string {
  const east = -date.getTimezoneOffset();
  const pad = (value: number): string => String(value).padStart(2, '0');
  const zone = `${east < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(east) / 60))}${pad(Math.abs(east) % 60)}`;
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

export function pseudoMessage(base: FolderBase, now = new Date()): string {
  return formatPseudoMessage(base, localHost(), now, `From MAILER-DAEMON ${ctime(now)}\n`, pseudoDate(now));
}

/** CRLF length of LF-or-CRLF text. */
function servedLength(bytes: Buffer): number {
  let extra = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) if (at === 0 || bytes[at - 1] !== 0x0d) extra++;
  return bytes.length + extra;
}

export function needsWrite(bits: number): boolean {
  return (bits & (DIRTY | NO_UID)) !== 0;
}

function blockOf(state: FolderState, row: MessageRow): StatusBlock {
  return { bits: row.bits & (SYSTEM_BITS | OLD), keywords: state.keywordNames(row.keywords), uid: row.uid };
}

/**
 * Plans the rewrite. `drop(index)` selects rows to expunge. Returns
 * undefined when the file already says everything.
 */
export function planRewrite(state: FolderState, fd: number, size: number, drop: (index: number) => boolean): RewritePlan | undefined {
  const index = state.index;
  const base: FolderBase = { uidValidity: state.uidValidity, uidLast: state.uidLast, keywords: state.keywords };
  const disk = state.disk;
  const firstRowStart = firstLiveStart(state);
  const patches: Patch[] = [];
  const written: number[] = [];
  let from = size;
  let basePatched = false;
  const baseChanged = state.baseDirty;

  if (baseChanged && disk?.pseudo) {
    const line = formatBaseLine('X-IMAP', base, disk.lineEnd - disk.lineStart);
    if (line !== undefined) {
      patches.push({ at: disk.lineStart, bytes: Buffer.from(line, 'latin1') });
      basePatched = true;
    } else {
      from = disk.messageStart;
    }
  } else if (baseChanged && !disk) {
    from = Math.min(from, firstRowStart ?? size);
  }

  const baseInFirstRow = disk !== undefined && !disk.pseudo;
  for (let row = 0; row < index.length && from === size; row++) {
    const bits = index.bits(row);
    if (bits & GHOST) continue;
    const start = index.startOf(row);
    if (drop(row)) {
      from = start;
      break;
    }
    const carriesBase = baseInFirstRow && start === disk.messageStart;
    if (!needsWrite(bits) && !(carriesBase && baseChanged)) continue;
    const current = index.row(row);
    const leading = carriesBase ? baseLine('X-IMAPbase', base) : '';
    const fitted =
      current.statusStart >= 0 ? fitStatusBlock(blockOf(state, current), current.statusEnd - current.statusStart, leading) : undefined;
    if (fitted === undefined) {
      from = start;
      break;
    }
    patches.push({ at: current.statusStart, bytes: Buffer.from(fitted, 'latin1') });
    written.push(row);
    if (carriesBase) basePatched = true;
  }
  if (baseChanged && !basePatched && from === size) from = Math.min(size, disk?.messageStart ?? firstRowStart ?? size);
  if (from === size && patches.length === 0) return undefined;

  const placements = new Map<number, Placement>();
  // Regenerating from the first message (or the pseudo-message) means the
  // base goes into a fresh pseudo-message, UW's layout.
  const writesPseudo = from < size && from <= (disk?.messageStart ?? firstRowStart ?? size);
  let newBase: ReturnType<RewritePlan['base']> = disk
    ? { pseudo: disk.pseudo, lineStart: disk.lineStart, lineEnd: disk.lineEnd, messageStart: disk.messageStart }
    : undefined;
  const tailRows: number[] = [];
  if (from < size) {
    for (let row = 0; row < index.length; row++) {
      if (index.bits(row) & GHOST) continue;
      if (index.startOf(row) >= from && !drop(row)) tailRows.push(row);
    }
    written.push(...tailRows);
    if (!writesPseudo && baseInFirstRow && disk && disk.messageStart >= from) newBase = undefined;
  }

  const writeTail = async (sink: TailSink): Promise<void> => {
    if (writesPseudo) {
      const text = pseudoMessage(base);
      const lineAt = text.indexOf('X-IMAP: ');
      const lineEnd = text.indexOf('\n', lineAt) + 1;
      newBase = {
        pseudo: true,
        lineStart: from + Buffer.byteLength(text.slice(0, lineAt), 'latin1'),
        lineEnd: from + Buffer.byteLength(text.slice(0, lineEnd), 'latin1'),
        messageStart: from,
      };
      await sink.write(text);
    }
    const reader = new ReadAhead(fd);
    for (const row of tailRows) placements.set(row, await regenerate(state, fd, reader, row, from, sink));
  };

  return {
    rewrite: { patches, from, ...(from < size ? { writeTail } : {}) },
    written,
    placements,
    base: () => newBase,
  };
}

function firstLiveStart(state: FolderState): number | undefined {
  for (let row = 0; row < state.index.length; row++) if (!(state.index.bits(row) & GHOST)) return state.index.startOf(row);
  return undefined;
}

/**
 * Writes one message the UW way and says where its parts landed. Messages
 * are read through `reader`, whose large sequential blocks hold most of
 * them whole; a body larger than a block is copied in pieces.
 */
async function regenerate(state: FolderState, fd: number, reader: ReadAhead, row: number, from: number, sink: TailSink): Promise<Placement> {
  const current = state.index.row(row);
  const start = from + sink.written;
  const bodyLength = current.end - current.bodyStart;
  const whole = bodyLength <= CHUNK;
  const raw = await reader.range(current.start, whole ? current.end : current.bodyStart);
  if (raw.length < (whole ? current.end : current.bodyStart) - current.start) throw new Error('mailbox shrank while being rewritten');
  const fromLine = raw.subarray(0, current.headerStart - current.start);
  const header = withoutStoreHeaders(headerWithoutBlank(raw.subarray(current.headerStart - current.start, current.bodyStart - current.start)));
  const block = formatStatusBlock(blockOf(state, current));
  await sink.write(fromLine);
  await sink.write(header);
  const statusStart = from + sink.written;
  await sink.write(block);
  await sink.write('\n');
  const bodyStart = from + sink.written;
  let servedBody = current.servedBody;
  if (bodyLength > 0) {
    if (whole) await sink.write(raw.subarray(current.bodyStart - current.start));
    else await copyRange(fd, current.bodyStart, bodyLength, sink);
    const last = whole ? raw[raw.length - 1] : (await readRange(fd, current.end - 1, 1))[0];
    if (last !== 0x0a) {
      await sink.write('\n');
      servedBody += 2;
    }
  }
  const end = from + sink.written;
  await sink.write('\n');
  return {
    start,
    headerStart: start + fromLine.length,
    bodyStart,
    end,
    statusStart,
    statusEnd: statusStart + Buffer.byteLength(block, 'latin1'),
    servedHeader: servedLength(header) + 2,
    servedBody,
  };
}

async function copyRange(fd: number, position: number, length: number, sink: TailSink): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, length));
  for (let done = 0; done < length; ) {
    const got = await readAt(fd, buffer, 0, Math.min(buffer.length, length - done), position + done);
    if (got === 0) throw new Error('mailbox shrank while being rewritten');
    await sink.write(buffer.subarray(0, got));
    done += got;
  }
}

/** Bits a written row keeps: the session's \Recent, not the pending-write marks. */
export function afterWrite(bits: number): number {
  return bits & ~(DIRTY | NO_UID) & (SYSTEM_BITS | OLD | RECENT);
}
