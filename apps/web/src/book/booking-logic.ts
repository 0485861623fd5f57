import { DateTime } from 'luxon';
import { formatTime, zoneCity } from '../lib/time';

/** The public booking API's shapes (API.md, "Services, working hours, availability and self-booking"). */
export interface PublicVenue {
  id: string;
  name: string;
  timezone: string;
  cancellationCutoffMinutes: number;
}
export interface PublicService {
  id: string;
  name: string;
  durationMinutes: number;
}
export interface PublicServices {
  venue: PublicVenue;
  services: PublicService[];
}
export interface Slot {
  startsAt: string;
  endsAt: string;
}
export interface Availability {
  timezone: string;
  slots: Slot[];
}
export interface BookingCreated {
  bookingId: string;
  jobId: string;
  startsAt: string;
  endsAt: string;
  manageUrl: string;
}
export interface ManagedBooking {
  bookingId: string;
  status: 'confirmed' | 'cancelled';
  venue: { id: string; name: string; timezone: string };
  service: { id: string; name: string; durationMinutes: number };
  customer: { firstName: string; lastName: string } | null;
  startsAt: string;
  endsAt: string;
  timezone: string;
  changeableUntil: string;
  canChange: boolean;
}
export interface CustomerDetails {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

/** The venue id from `/book/<venueId>[/...]`, or null when the path names none. */
export function venueIdFromPath(pathname: string): string | null {
  const m = /^\/book\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(pathname);
  return m ? m[1].toLowerCase() : null;
}

/** The manage token from the fragment `#manage=<token>` (the fragment never reaches a server or a log). */
export function manageTokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('manage');
  return token && /^[A-Za-z0-9_-]{16,512}$/.test(token) ? token : null;
}

/** The token inside a manage URL the API returned. */
export function manageTokenFromUrl(manageUrl: string): string | null {
  const hash = manageUrl.includes('#') ? manageUrl.slice(manageUrl.indexOf('#')) : '';
  return manageTokenFromHash(hash);
}

/** Where the booking's "add to calendar" file is served (the token stays in the path of our own origin). */
export function calendarFileUrl(token: string): string {
  return `/public/bookings/${encodeURIComponent(token)}/calendar.ics`;
}

export interface DayOfSlots {
  /** yyyy-MM-dd in the venue's zone. */
  date: string;
  slots: Slot[];
}

/** The days of [from, from + days) in the venue's zone, each with its free slots (possibly none), in order. */
export function groupByVenueDay(slots: Slot[], zone: string, from: string, days: number): DayOfSlots[] {
  const first = DateTime.fromISO(from, { setZone: true }).setZone(zone).startOf('day');
  const out: DayOfSlots[] = [];
  const index = new Map<string, DayOfSlots>();
  for (let i = 0; i < days; i++) {
    const date = first.plus({ days: i }).toISODate()!;
    const day = { date, slots: [] as Slot[] };
    out.push(day);
    index.set(date, day);
  }
  for (const slot of slots) {
    const date = DateTime.fromISO(slot.startsAt, { setZone: true }).setZone(zone).toISODate()!;
    index.get(date)?.slots.push(slot);
  }
  return out;
}

/** [start of the venue's day `offsetDays` after today, + days), as ISO instants with offset. */
export function venueWeek(zone: string, offsetDays: number, days: number, now: Date = new Date()): { from: string; to: string } {
  const start = DateTime.fromJSDate(now).setZone(zone).startOf('day').plus({ days: offsetDays });
  return { from: start.toISO()!, to: start.plus({ days }).toISO()! };
}

/** "Monday 7 December" of a venue date (yyyy-MM-dd). */
export function longDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).toFormat('cccc d LLLL');
}

/** "Mon 7" for the day strip. */
export function shortDate(date: string): { weekday: string; day: string; month: string } {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  return { weekday: d.toFormat('ccc'), day: d.toFormat('d'), month: d.toFormat('LLL') };
}

/** The browser's own zone (the visitor's), or UTC when the browser does not say. */
export function visitorZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** True when the visitor's clock reads differently from the venue's at this instant. */
export function zonesDiffer(iso: string, venueZone: string, visitor: string): boolean {
  const at = DateTime.fromISO(iso, { setZone: true });
  return at.setZone(venueZone).offset !== at.setZone(visitor).offset;
}

/**
 * "10:00 (16:00 your time)" when the visitor is elsewhere, "10:00" otherwise; the visitor's clock
 * also names the day when it falls on another date ("01:00 Tue your time").
 */
export function slotLabel(slot: Slot, venueZone: string, visitor: string): { venue: string; visitor: string | null } {
  const venue = formatTime(slot.startsAt, venueZone);
  if (!zonesDiffer(slot.startsAt, venueZone, visitor)) return { venue, visitor: null };
  const at = DateTime.fromISO(slot.startsAt, { setZone: true });
  const v = at.setZone(venueZone);
  const mine = at.setZone(visitor);
  const otherDay = v.toISODate() !== mine.toISODate();
  return { venue, visitor: `${mine.toFormat('HH:mm')}${otherDay ? ` ${mine.toFormat('ccc')}` : ''} your time` };
}

/** "Monday 7 December, 10:00–10:30 (Berlin time, CET)" in the venue's zone. */
export function whenInVenue(startsAt: string, endsAt: string, zone: string): string {
  const s = DateTime.fromISO(startsAt, { setZone: true }).setZone(zone);
  const e = DateTime.fromISO(endsAt, { setZone: true }).setZone(zone);
  return `${s.toFormat('cccc d LLLL')}, ${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')} (${zoneCity(zone)} time, ${s.offsetNameShort ?? s.toFormat('ZZ')})`;
}

/** The same appointment on the visitor's clock, or null when it reads the same. */
export function whenForVisitor(startsAt: string, endsAt: string, venueZone: string, visitor: string): string | null {
  if (!zonesDiffer(startsAt, venueZone, visitor)) return null;
  const s = DateTime.fromISO(startsAt, { setZone: true }).setZone(visitor);
  const e = DateTime.fromISO(endsAt, { setZone: true }).setZone(visitor);
  return `${s.toFormat('cccc d LLLL')}, ${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')} your time (${zoneCity(visitor)})`;
}

/** "30 min", "1 h 15 min". */
export function durationLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{5,30}$/;

/** Field errors a person can act on, before anything is sent (the server checks again). */
export function validateDetails(d: CustomerDetails): Partial<Record<keyof CustomerDetails, string>> {
  const errors: Partial<Record<keyof CustomerDetails, string>> = {};
  if (!d.firstName.trim()) errors.firstName = 'Please enter your first name.';
  else if (d.firstName.trim().length > 100) errors.firstName = 'Please use at most 100 characters.';
  if (!d.lastName.trim()) errors.lastName = 'Please enter your last name.';
  else if (d.lastName.trim().length > 100) errors.lastName = 'Please use at most 100 characters.';
  if (!d.email.trim()) errors.email = 'Please enter your email address: your confirmation and link go there.';
  else if (!EMAIL.test(d.email.trim()) || d.email.trim().length > 320) errors.email = 'This does not look like an email address (name@example.com).';
  if (d.phone.trim() && !PHONE.test(d.phone.trim())) errors.phone = 'Please enter a phone number such as +49 30 1234567, or leave it empty.';
  return errors;
}

/** The request body for `POST /public/venues/:id/bookings` (trimmed, no empty phone). */
export function bookingBody(serviceId: string, startsAt: string, d: CustomerDetails): Record<string, unknown> {
  const customer: Record<string, string> = { firstName: d.firstName.trim(), lastName: d.lastName.trim(), email: d.email.trim() };
  if (d.phone.trim()) customer.phone = d.phone.trim();
  return { serviceId, startsAt, customer };
}
