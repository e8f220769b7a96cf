// Calendar dates for SEARCH: the day of an INTERNALDATE (in the server's
// zone, as UW) and the day written in a Date: header (its own zone,
// "disregarding time and timezone", RFC 3501 §6.4.4).
import type { CalendarDate } from '../wire/decoder';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** yyyymmdd as one comparable number. */
export function dayNumber(date: CalendarDate): number {
  return date.year * 10000 + date.month * 100 + date.day;
}

export function localDay(date: Date): CalendarDate {
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() };
}

/** The day of an RFC 5322 date ("Mon, 1 Jan 2024 10:00 +0100"), or undefined when unreadable. */
export function headerDay(value: string): CalendarDate | undefined {
  const match = /(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*[\s-]+(\d{2,4})/.exec(value);
  if (!match) return undefined;
  const month = MONTHS.indexOf((match[2] as string).toLowerCase()) + 1;
  let year = Number(match[3]);
  // RFC 5322 §4.3: two-digit years below 50 are 20xx, three-digit ones add 1900.
  if (match[3]?.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]?.length === 3) year += 1900;
  const day = Number(match[1]);
  return month === 0 || day < 1 || day > 31 ? undefined : { year, month, day };
}

/** The instant an RFC 5322 date names (for SORT DATE), or undefined when unreadable. */
export function headerInstant(value: string): number | undefined {
  const day = headerDay(value);
  if (day === undefined) return undefined;
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-])(\d{2})(\d{2})|\s+([A-Za-z]{1,5})\b)?/.exec(value);
  const [hours, minutes, seconds] = time ? [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)] : [0, 0, 0];
  let offset = 0;
  if (time?.[4] !== undefined) offset = (time[4] === '-' ? -1 : 1) * (Number(time[5]) * 60 + Number(time[6]));
  else if (time?.[7] !== undefined) offset = ZONES[time[7].toUpperCase()] ?? 0;
  return Date.UTC(day.year, day.month - 1, day.day, hours, minutes, seconds) - offset * 60_000;
}

/** RFC 5322 §4.3 obsolete zone names, in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0,
  GMT: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};
