import { DateTime, IANAZone } from 'luxon';

/** True for canonical or alias IANA zone names luxon (ICU) knows, e.g. "Europe/Berlin". Rejects offsets like "+02:00". */
export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && IANAZone.isValidZone(zone);
}

/** ISO 8601 date-time with an explicit offset or Z: `2026-03-29T10:00:00+02:00`, `...T08:00:00.000Z`. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an ISO 8601 instant that carries an offset; returns null for anything else. */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return null;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : null;
}

/** `YYYY-MM-DD` calendar date; returns null when it is not a real date. */
export function parseCalendarDate(value: unknown): { year: number; month: number; day: number } | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = DateTime.fromISO(value, { zone: 'UTC' });
  return d.isValid ? { year: d.year, month: d.month, day: d.day } : null;
}

/** An instant rendered in a zone with its offset: `2026-03-29T10:00:00.000+02:00`. */
export function formatInZone(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: false }) ?? date.toISOString();
}

/** True when the instant is exactly midnight, local time, in the zone. */
export function isLocalMidnight(date: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(date, { zone });
  return local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
}

/** Midnight at the start of a calendar date in a zone. */
export function startOfLocalDate(date: { year: number; month: number; day: number }, zone: string): Date {
  return DateTime.fromObject(date, { zone }).startOf('day').toJSDate();
}
