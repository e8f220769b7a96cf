// The "From " line that starts each message of a Berkeley mailbox. A line is
// a message boundary only when it ends in a real date, the way UW's parser
// decides: weekday, month, day, hh:mm with optional seconds, year, and an
// optional zone before or after the year, optionally followed by
// "remote from host". Any other line starting "From " is message text.

const SPACE = 0x20;
const COLON = 0x3a;
const CR = 0x0d;
const FROM_ = Buffer.from('From ');
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
const DATE_PATTERN =
  /^\S{3} (\S{3}) ([ \d]?\d) (\d\d):(\d\d)(?::(\d\d))?(?: ([A-Za-z]{2,4}|[+-]\d{4}))? (\d{4})(?: ([A-Za-z]{2,4}|[+-]\d{4}))?$/;

export function startsWithFrom(buffer: Buffer, at: number, end: number): boolean {
  return end - at >= 5 && buffer[at] === 0x46 && buffer.compare(FROM_, 0, 5, at, at + 5) === 0;
}

/**
 * Where the date of a From line begins (the weekday), or -1 when the line
 * [start, end) (without its newline) is not a valid From line.
 */
function dateStart(buffer: Buffer, start: number, end: number): { from: number; to: number } | undefined {
  if (!startsWithFrom(buffer, start, end)) return undefined;
  let x = end;
  if (x > start && buffer[x - 1] === CR) x--;
  if (x - start >= 41) {
    const lastSpace = buffer.lastIndexOf(SPACE, x - 1);
    const cut = lastSpace - REMOTE_FROM.length;
    if (cut > start && buffer.compare(REMOTE_FROM, 0, REMOTE_FROM.length, cut, lastSpace) === 0) x = cut;
  }
  if (x - start < 27) return undefined;
  const at = (offset: number): number | undefined => buffer[x + offset];
  let timeEnd = 0;
  if (at(-5) === SPACE) {
    if (at(-8) === COLON) timeEnd = -5;
    else if (at(-9) === SPACE) timeEnd = -9;
    else if (at(-11) === SPACE && isSign(at(-10))) timeEnd = -11;
  } else if (at(-4) === SPACE) {
    if (at(-9) === SPACE) timeEnd = -9;
  } else if (at(-6) === SPACE) {
    if (at(-11) === SPACE && isSign(at(-5))) timeEnd = -11;
  }
  if (timeEnd === 0 || at(timeEnd - 3) !== COLON) return undefined;
  const timeStart = timeEnd - (at(timeEnd - 6) === COLON ? 9 : 6);
  if (x + timeStart - 11 < start + 4) return undefined;
  if (at(timeStart) !== SPACE || at(timeStart - 3) !== SPACE || at(timeStart - 7) !== SPACE || at(timeStart - 11) !== SPACE) {
    return undefined;
  }
  return { from: x + timeStart - 10, to: x };
}

function isSign(byte: number | undefined): boolean {
  return byte === 0x2b || byte === 0x2d;
}

export function isFromLine(buffer: Buffer, start: number, end: number): boolean {
  return dateStart(buffer, start, end) !== undefined;
}

/**
 * The INTERNALDATE of a From line in milliseconds, 0 when the date does not
 * parse, undefined when the line is not a From line at all.
 */
export function fromLineTime(buffer: Buffer, start: number, end: number): number | undefined {
  const span = dateStart(buffer, start, end);
  if (!span) return undefined;
  return parseCtime(buffer.toString('latin1', span.from, span.to));
}

function parseCtime(text: string): number {
  const match = DATE_PATTERN.exec(text);
  if (!match) return 0;
  const month = MONTHS.indexOf((match[1] ?? '').toLowerCase());
  if (month < 0) return 0;
  const [day, hours, minutes, seconds, year] = [match[2], match[3], match[4], match[5] ?? '0', match[7]].map(Number) as [
    number, number, number, number, number,
  ];
  const zone = match[6] ?? match[8];
  const offset = zone === undefined ? undefined : zoneMinutes(zone);
  if (offset === undefined) return new Date(year, month, day, hours, minutes, seconds).getTime();
  return Date.UTC(year, month, day, hours, minutes, seconds) - offset * 60_000;
}

function zoneMinutes(zone: string): number | undefined {
  if (isSign(zone.charCodeAt(0))) {
    const value = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    return zone[0] === '-' ? -value : value;
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
