import { DateTime, IANAZone } from 'luxon';

/** Wall-clock fields, without a zone. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface ParsedDateTime {
  wall: Wall;
  /** Offset in minutes when the text carried one (`Z` is 0), otherwise undefined. */
  offsetMinutes?: number;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RFC 3339 / ISO 8601 date-time; the offset is optional (callers decide whether it is required). */
export function parseDateTime(text: string): ParsedDateTime | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const wall: Wall = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: m[6] ? Number(m[6]) : 0,
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
  };
  if (!isValidWall(wall)) return undefined;
  let offsetMinutes: number | undefined;
  if (m[8]) {
    if (m[8] === 'Z' || m[8] === 'z') offsetMinutes = 0;
    else {
      const sign = m[8].startsWith('-') ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    }
  }
  return { wall, offsetMinutes };
}

export function isValidWall(wall: Wall): boolean {
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return false;
  const dt = DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day }, { zone: 'UTC' });
  return dt.isValid;
}

/** `YYYY-MM-DD`, validated. */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: 'UTC' });
  return dt.isValid ? text.trim() : undefined;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The instant of a parsed date-time: its own offset if it has one, else the wall clock in `zone`. */
export function instantOf(parsed: ParsedDateTime, zone: string): number {
  if (parsed.offsetMinutes !== undefined) {
    return wallToFloating(parsed.wall) - parsed.offsetMinutes * 60_000;
  }
  return wallToInstant(parsed.wall, zone);
}

export function wallToInstant(wall: Wall, zone: string): number {
  return DateTime.fromObject({ ...wall }, { zone }).toMillis();
}

export function instantToWall(ms: number, zone: string): Wall {
  const dt = DateTime.fromMillis(ms, { zone });
  return {
    year: dt.year,
    month: dt.month,
    day: dt.day,
    hour: dt.hour,
    minute: dt.minute,
    second: dt.second,
    millisecond: dt.millisecond,
  };
}

/** A wall clock read as if it were UTC: a zone-free ("floating") timestamp for arithmetic. */
export function wallToFloating(wall: Wall): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

export function floatingToWall(floating: number): Wall {
  const d = new Date(floating);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

export function dateToFloating(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

export function floatingToDate(floating: number): string {
  return new Date(floating).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return floatingToDate(dateToFloating(date) + days * 86_400_000);
}

/** Midnight of `date` in `zone`, as an instant. */
export function dateToInstant(date: string, zone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return DateTime.fromObject({ year, month, day }, { zone }).toMillis();
}

export function instantToDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
}

/** RFC 3339 with the zone's offset (`Z` for UTC), seconds precision: Google's output form. */
export function formatRfc3339(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

/** UTC timestamp with milliseconds (`2026-03-01T09:00:00.000Z`): Google's `created`/`updated`. */
export function formatUtcMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Graph's `dateTimeTimeZone.dateTime`: wall clock with seven fractional digits, no offset. */
export function formatGraphWall(wall: Wall): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(wall.year, 4)}-${p(wall.month)}-${p(wall.day)}T${p(wall.hour)}:${p(wall.minute)}:${p(wall.second)}.${p(wall.millisecond, 3)}0000`;
}

/** Graph's DateTimeOffset in UTC (`2026-03-01T09:00:00.1230000Z`). */
export function formatGraphUtc(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '0000Z');
}

export function wallIsMidnight(wall: Wall): boolean {
  return wall.hour === 0 && wall.minute === 0 && wall.second === 0 && wall.millisecond === 0;
}

export function wallDate(wall: Wall): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(wall.year, 4)}-${p(wall.month)}-${p(wall.day)}`;
}
