// The "From " line that starts each message of a Berkeley mailbox. A line is
// a message boundary only when it ends in a real date, the way UW's parser
// decides: weekday, month, day, hh:mm with optional seconds, year, and an
// optional zone before or after the year, optionally followed by
// "remote from host". Any other line starting "From " is message text.

const SPACE = 0x20;
const COLON = 0x3a;
const CR = 0x0d;
const REMOTE_FROM = Buffer.from(' remote from');
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Zone names UW's date parser knows, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, WET: 0, BST: 60, CET: 60, MET: 60, CEST: 120, MEST: 120, EET: 120,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AST: -240, ADT: -180, HST: -600, AKST: -540, AKDT: -480, JST: 540,
};

export function startsWithFrom(buffer: Buffer, at: number, end: number): boolean {
  return (
    end - at >= 5 && buffer[at] === 0x46 && buffer[at + 1] === 0x72 && buffer[at + 2] === 0x6f && buffer[at + 3] === 0x6d && buffer[at + 4] === SPACE
  );
}

/** Where the parts of a valid From line's date are (buffer indexes). */
interface DateLayout {
  /** The space before hh:mm. */
  readonly timeStart: number;
  readonly seconds: boolean;
  readonly yearStart: number;
  /** Zone [zoneStart, zoneEnd), empty when the line has none. */
  readonly zoneStart: number;
  readonly zoneEnd: number;
}

function isSign(byte: number | undefined): boolean {
  return byte === 0x2b || byte === 0x2d;
}

/**
 * The date layout of the line [start, end) (without its newline), or
 * undefined when it is not a valid From line by UW's rules.
 */
function layout(buffer: Buffer, start: number, end: number): DateLayout | undefined {
  if (!startsWithFrom(buffer, start, end)) return undefined;
  let x = end;
  if (x > start && buffer[x - 1] === CR) x--;
  if (x - start >= 41) {
    const lastSpace = buffer.lastIndexOf(SPACE, x - 1);
    const cut = lastSpace - REMOTE_FROM.length;
    if (cut > start && buffer.compare(REMOTE_FROM, 0, REMOTE_FROM.length, cut, lastSpace) === 0) x = cut;
  }
  if (x - start < 27) return undefined;
  let timeEnd = 0;
  let yearStart = 0;
  let zoneStart = x;
  let zoneEnd = x;
  if (buffer[x - 5] === SPACE) {
    yearStart = x - 4;
    if (buffer[x - 8] === COLON) {
      timeEnd = x - 5;
    } else if (buffer[x - 9] === SPACE) {
      timeEnd = x - 9;
      zoneStart = x - 8;
      zoneEnd = x - 5;
    } else if (buffer[x - 11] === SPACE && isSign(buffer[x - 10])) {
      timeEnd = x - 11;
      zoneStart = x - 10;
      zoneEnd = x - 5;
    }
  } else if (buffer[x - 4] === SPACE) {
    if (buffer[x - 9] === SPACE) {
      timeEnd = x - 9;
      yearStart = x - 8;
      zoneStart = x - 3;
    }
  } else if (buffer[x - 6] === SPACE) {
    if (buffer[x - 11] === SPACE && isSign(buffer[x - 5])) {
      timeEnd = x - 11;
      yearStart = x - 10;
      zoneStart = x - 5;
    }
  }
  if (timeEnd === 0 || buffer[timeEnd - 3] !== COLON) return undefined;
  const seconds = buffer[timeEnd - 6] === COLON;
  const timeStart = timeEnd - (seconds ? 9 : 6);
  if (timeStart - 11 < start + 4) return undefined;
  if (buffer[timeStart] !== SPACE || buffer[timeStart - 3] !== SPACE || buffer[timeStart - 7] !== SPACE || buffer[timeStart - 11] !== SPACE) {
    return undefined;
  }
  return { timeStart, seconds, yearStart, zoneStart, zoneEnd };
}

export function isFromLine(buffer: Buffer, start: number, end: number): boolean {
  return layout(buffer, start, end) !== undefined;
}

/** Digits [at, at + count) as a number; NaN unless all are digits (a leading space allowed). */
function digits(buffer: Buffer, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const byte = buffer[index] ?? 0;
    if (byte === SPACE && index === at) continue;
    if (byte < 0x30 || byte > 0x39) return NaN;
    value = value * 10 + byte - 0x30;
  }
  return value;
}

/**
 * The INTERNALDATE of a From line in milliseconds, 0 when the date does not
 * parse, undefined when the line is not a From line at all.
 */
export function fromLineTime(buffer: Buffer, start: number, end: number): number | undefined {
  const parts = layout(buffer, start, end);
  if (!parts) return undefined;
  const { timeStart } = parts;
  const month = MONTHS.indexOf(buffer.toString('latin1', timeStart - 6, timeStart - 3).toLowerCase());
  const day = digits(buffer, timeStart - 2, 2);
  const hours = digits(buffer, timeStart + 1, 2);
  const minutes = digits(buffer, timeStart + 4, 2);
  const seconds = parts.seconds ? digits(buffer, timeStart + 7, 2) : 0;
  const year = digits(buffer, parts.yearStart, 4);
  if (month < 0 || Number.isNaN(day + hours + minutes + seconds + year)) return 0;
  if (parts.zoneStart === parts.zoneEnd) return new Date(year, month, day, hours, minutes, seconds).getTime();
  const offset = zoneMinutes(buffer.toString('latin1', parts.zoneStart, parts.zoneEnd));
  if (offset === undefined) return new Date(year, month, day, hours, minutes, seconds).getTime();
  return Date.UTC(year, month, day, hours, minutes, seconds) - offset * 60_000;
}

function zoneMinutes(zone: string): number | undefined {
  if (isSign(zone.charCodeAt(0))) {
    const value = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    return Number.isNaN(value) ? undefined : zone[0] === '-' ? -value : value;
  }
  return ZONES[zone.toUpperCase()];
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** ctime(3) form, "Mon Jan  1 10:00:00 2024", in local time. */
export function ctime(date: Date): string {
  return (
    `${DAY_NAMES[date.getDay()]} ${MONTH_NAMES[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ${date.getFullYear()}`
  );
}

/** Numeric zone of a local date, "+0100". */
export function zoneOf(date: Date): string {
  const east = -date.getTimezoneOffset();
  const magnitude = Math.abs(east);
  return `${east < 0 ? '-' : '+'}${pad2(Math.floor(magnitude / 60))}${pad2(magnitude % 60)}`;
}

/** The From line UW writes for an appended message, with its newline. */
export function formatFromLine(sender: string, date: Date): string {
  const safe = sender.replace(/[\s\x00-\x1f\x7f]/g, '') || 'MAILER-DAEMON';
  return `From ${safe} ${ctime(date)} ${zoneOf(date)}\n`;
}
