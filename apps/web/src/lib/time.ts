import { DateTime } from 'luxon';

/**
 * Every time the web app shows or takes is in a *venue's* zone, labelled, never in the
 * browser's: a 16:30 New York job reads 16:30 (New York) to an admin in Berlin too.
 */

/** "New York" from "America/New_York". */
export function zoneCity(zone: string): string {
  const last = zone.split('/').pop() ?? zone;
  return last.replace(/_/g, ' ');
}

/** "Berlin time (CET)" — the zone name a person reads, with the abbreviation in force at `at`. */
export function zoneLabel(zone: string, at: string | Date = new Date()): string {
  const dt = toZone(at, zone);
  return `${zoneCity(zone)} time (${dt.offsetNameShort ?? dt.toFormat('ZZ')})`;
}

function toZone(at: string | Date, zone: string): DateTime {
  const dt = typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : DateTime.fromJSDate(at);
  return dt.setZone(zone);
}

/** "10:00" in the zone. */
export function formatTime(iso: string, zone: string): string {
  return toZone(iso, zone).toFormat('HH:mm');
}

/** "Mon 7 Dec" in the zone. */
export function formatDay(iso: string, zone: string): string {
  return toZone(iso, zone).toFormat('ccc d LLL');
}

/** "Mon 7 Dec 10:00" in the zone. */
export function formatDateTime(iso: string, zone: string): string {
  return toZone(iso, zone).toFormat('ccc d LLL HH:mm');
}

/** "Mon 7 Dec, 10:00–11:00" or "Mon 7 Dec 22:00 – Tue 8 Dec 01:00", in the zone. */
export function formatRange(startIso: string, endIso: string, zone: string): string {
  const s = toZone(startIso, zone);
  const e = toZone(endIso, zone);
  if (s.hasSame(e, 'day')) return `${s.toFormat('ccc d LLL')}, ${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')}`;
  return `${s.toFormat('ccc d LLL HH:mm')} – ${e.toFormat('ccc d LLL HH:mm')}`;
}

/** The calendar date (yyyy-MM-dd) of an instant in the zone, for grouping by day. */
export function dayKey(iso: string, zone: string): string {
  return toZone(iso, zone).toISODate() ?? '';
}

/**
 * The calendar component only knows fixed offsets, so the board runs it in UTC and hands it
 * *floating* wall-clock times of the venue ("2026-03-29T10:00:00"): correct across DST.
 */
export function toFloating(iso: string, zone: string): string {
  return toZone(iso, zone).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/**
 * Back from the component: it hands out *local* Dates whose local fields are the venue's wall
 * clock (whatever the browser's zone). ISO with offset, in the venue's zone.
 */
export function fromFloating(date: Date, zone: string): string {
  const dt = DateTime.fromObject(
    { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds() },
    { zone },
  );
  return dt.toISO({ suppressMilliseconds: true }) ?? '';
}

/** A `datetime-local` input value ("2026-03-29T10:00"), read as wall clock in the zone, to ISO with offset. */
export function fromLocalInput(value: string, zone: string): string | null {
  if (!value) return null;
  const dt = DateTime.fromISO(value, { zone });
  return dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
}

/** An instant as a `datetime-local` input value in the zone. */
export function toLocalInput(iso: string, zone: string): string {
  return toZone(iso, zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** [start of the day, start of the day + days) around `at` in the zone, as ISO with offset. */
export function dayWindow(at: string | Date, zone: string, days: number): { from: string; to: string } {
  const start = toZone(at, zone).startOf('day');
  return { from: start.toISO() ?? '', to: start.plus({ days }).toISO() ?? '' };
}

/** Monday-based week containing `at`, in the zone. */
export function weekWindow(at: string | Date, zone: string): { from: string; to: string } {
  const start = toZone(at, zone).startOf('week');
  return { from: start.toISO() ?? '', to: start.plus({ weeks: 1 }).toISO() ?? '' };
}

/** "3 h ago" / "in 2 d", rough, for "since" columns. */
export function relative(iso: string, now: Date = new Date()): string {
  return DateTime.fromISO(iso).toRelative({ base: DateTime.fromJSDate(now) }) ?? iso;
}
