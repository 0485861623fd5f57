import { DateTime } from 'luxon';
import type { TestSystem } from '../support/test-system';

export interface BookableVenue {
  venue: { id: string; timezone: string };
  staff: Array<{ id: string }>;
  service: { id: string; durationMinutes: number };
  admin: string;
}

export interface BookableVenueOptions {
  timezone?: string;
  performers?: number;
  /** Weekly hours for every performer (default: every day 09:00-17:00). */
  weekly?: Array<{ day: string; start: string; end: string }>;
  service?: { durationMinutes?: number; bufferBeforeMinutes?: number; bufferAfterMinutes?: number; bookable?: boolean };
  booking?: Record<string, unknown>;
}

export const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A venue with performers, their working hours, one service and booking switched on, all through the HTTP API. */
export async function bookableVenue(system: TestSystem, options: BookableVenueOptions = {}): Promise<BookableVenue> {
  const admin = system.adminToken();
  const http = system.http(admin);
  const { venue, staff } = await system.factory.team(options.performers ?? 1, { timezone: options.timezone ?? 'Europe/Berlin' });
  const weekly = options.weekly ?? EVERY_DAY.map((day) => ({ day, start: '09:00', end: '17:00' }));
  for (const s of staff) await http.put(`/v1/staff/${s.id}/working-hours/${venue.id}`, { weekly }).expect(200);
  const service = await http
    .post(`/v1/venues/${venue.id}/services`, {
      name: 'Haircut',
      durationMinutes: 60,
      staffIds: staff.map((s) => s.id),
      ...options.service,
    })
    .expect(201);
  await http
    .patch(`/v1/venues/${venue.id}`, { booking: { enabled: true, minNoticeMinutes: 0, horizonDays: 120, slotIntervalMinutes: 30, ...options.booking } })
    .expect(200);
  return { venue, staff, service: service.body, admin };
}

/** Local wall-clock time `days` from today in a zone, as an ISO instant with offset. */
export function localAt(zone: string, days: number, time: string): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now().setZone(zone).startOf('day').plus({ days }).set({ hour, minute }).toISO()!;
}

export function customer(n: number | string = 1) {
  return { firstName: 'Sarah', lastName: `Johnson ${n}`, email: `sarah.${n}@example.org`, phone: '+49 30 1234567' };
}

/** Slot starts of a public availability answer, as epoch milliseconds. */
export function startsOf(body: { slots: Array<{ startsAt: string }> }): number[] {
  return body.slots.map((s) => new Date(s.startsAt).getTime());
}
