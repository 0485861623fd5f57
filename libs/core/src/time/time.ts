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
  const ms = date.getTime();
  const offset = offsetMinutesAt(zone, ms);
  if (offset === undefined) return DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: false }) ?? date.toISOString();
  const local = new Date(ms + offset * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: false }) ?? date.toISOString();
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  const suffix = offset === 0 && isUniversal(zone) ? 'Z' : `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  return (
    `${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}.${String(local.getUTCMilliseconds()).padStart(3, '0')}` +
    suffix
  );
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * A zone's UTC offset in minutes at an instant, remembered per zone and quarter hour: asking
 * ICU (luxon's `IANAZone.offset`) costs microseconds per call and a page of slots asks hundreds
 * of times for the same few quarter hours. A quarter hour is remembered only when its first and
 * last millisecond have the same offset, so an instant next to a transition is always asked
 * afresh. undefined for zones luxon does not know (the caller falls back to luxon's own answer).
 */
const QUARTER_HOUR = 15 * 60_000;
const OFFSET_CACHE_LIMIT = 20_000;
const offsetCache = new Map<string, number>();
const zoneCache = new Map<string, IANAZone | null>();

function zoneOf(zone: string): IANAZone | null {
  let z = zoneCache.get(zone);
  if (z === undefined) {
    z = IANAZone.isValidZone(zone) ? IANAZone.create(zone) : null;
    if (zoneCache.size < 1_000) zoneCache.set(zone, z);
  }
  return z;
}

/** luxon writes `Z` for the zones it reads as UTC itself ("UTC", "GMT", any case), `+00:00` for the rest. */
function isUniversal(zone: string): boolean {
  const lowered = zone.toLowerCase();
  return lowered === 'utc' || lowered === 'gmt';
}

function offsetMinutesAt(zone: string, ms: number): number | undefined {
  const z = zoneOf(zone);
  if (!z || !Number.isFinite(ms)) return undefined;
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const key = `${zone}|${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return Number.isNaN(cached) ? z.offset(ms) : cached;
  const first = z.offset(bucket * QUARTER_HOUR);
  const last = z.offset((bucket + 1) * QUARTER_HOUR - 1);
  if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
  offsetCache.set(key, first === last ? first : Number.NaN);
  return first === last ? first : z.offset(ms);
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
