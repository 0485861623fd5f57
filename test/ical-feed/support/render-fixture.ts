/**
 * Calendars rendered by FeedBuilder for the parser tests. Run as a script (in a child process
 * with another TZ) it prints them as JSON, with the process's UTC offset for the record.
 */
import { FeedBuilder, FeedEventInput } from '@calbridge/ical-feed/testing';
import { DateTime } from 'luxon';

/** A timed event at a wall-clock time in a zone. */
export function timed(uid: string, zone: string, local: string, minutes: number): FeedEventInput {
  const start = DateTime.fromISO(local, { zone });
  if (!start.isValid) throw new Error(`bad time ${local}`);
  return event(uid, zone, start.toJSDate(), start.plus({ minutes }).toJSDate(), false);
}

/** An all-day event on a date in a zone (local midnight to local midnight, as the scheduling core stores them). */
export function allDay(uid: string, zone: string, date: string, days = 1): FeedEventInput {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return event(uid, zone, start.toJSDate(), start.plus({ days }).toJSDate(), true);
}

function event(uid: string, zone: string, start: Date, end: Date, isAllDay: boolean): FeedEventInput {
  return {
    uid: `${uid}@calbridge`,
    sequence: 1,
    lastModified: new Date('2026-01-10T12:00:00Z'),
    created: new Date('2026-01-02T12:00:00Z'),
    start,
    end,
    allDay: isAllDay,
    zone,
    utc: false,
    summary: `${uid}: Balayage, wash; blow-dry`,
    description: 'Team: Anna Becker (lead), Jonas Weber\nJoin online: https://meet.example.com/x\nLast updated: now',
    location: 'Oranienstraße 1, 10999 Berlin',
    url: 'https://app.example.com/jobs/1',
    status: 'CONFIRMED',
    busy: true,
  };
}

/** Around each zone's DST changes in 2026 (Kolkata has none), plus all-day jobs, one on a 23-hour day. */
export const DST_EVENTS: FeedEventInput[] = [
  timed('berlin-before-spring', 'Europe/Berlin', '2026-03-28T10:00', 60),
  timed('berlin-spring-night', 'Europe/Berlin', '2026-03-29T01:30', 60), // 01:30 CET -> 03:30 CEST
  timed('berlin-after-spring', 'Europe/Berlin', '2026-03-29T10:00', 90),
  timed('berlin-after-autumn', 'Europe/Berlin', '2026-10-26T09:15', 45),
  timed('ny-before-spring', 'America/New_York', '2026-03-07T09:00', 60),
  timed('ny-after-spring', 'America/New_York', '2026-03-08T09:00', 60),
  timed('ny-after-autumn', 'America/New_York', '2026-11-01T09:00', 60),
  timed('sydney-before-autumn', 'Australia/Sydney', '2026-04-04T09:00', 60),
  timed('sydney-after-autumn', 'Australia/Sydney', '2026-04-05T09:00', 60),
  timed('sydney-after-spring', 'Australia/Sydney', '2026-10-04T09:00', 60),
  timed('kolkata', 'Asia/Kolkata', '2026-03-29T09:30', 60),
  allDay('berlin-all-day', 'Europe/Berlin', '2026-03-29'),
  allDay('sydney-all-day', 'Australia/Sydney', '2026-10-04', 2),
];

export const ALIAS_EVENTS = [timed('alias', 'US/Eastern', '2026-07-01T09:00', 60), timed('utc', 'Etc/UTC', '2026-07-01T09:00', 60)];

export const HOSTILE = {
  name: 'Venue, Inc.; \r\nBEGIN:VEVENT',
  events: [{ ...timed('x', 'Europe/Berlin', '2026-07-01T09:00', 60), summary: 'a\r\nBEGIN:VALARM\r\nX;Y,Z\\' }],
};

export function renderCalendar(events: FeedEventInput[], name = 'Kreuzberg Hair Studio — Anna Becker'): string {
  const builder = new FeedBuilder();
  return builder
    .assemble({ name, description: 'Jobs of Anna Becker, read-only.', refreshMinutes: 60 }, events.map((e) => builder.renderEvent(e)))
    .toString('utf8');
}

export interface RenderedFixtures {
  utcOffsetMinutes: number;
  dst: string;
  dstUtcOnly: string;
  aliases: string;
  hostile: string;
}

export function renderFixtures(): RenderedFixtures {
  return {
    utcOffsetMinutes: -new Date('2026-01-15T00:00:00Z').getTimezoneOffset(),
    dst: renderCalendar(DST_EVENTS),
    dstUtcOnly: renderCalendar(DST_EVENTS.map((e) => ({ ...e, utc: true }))),
    aliases: renderCalendar(ALIAS_EVENTS),
    hostile: renderCalendar(HOSTILE.events, HOSTILE.name),
  };
}

if (require.main === module) process.stdout.write(JSON.stringify(renderFixtures()));
