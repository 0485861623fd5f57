import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderCalendar, renderEvent, VEventInput } from '@calbridge/icalendar';
import { DateTime } from 'luxon';
import { assertWellFormed, contentLines, parseWithIcalJs, parseWithLibical, parseWithNodeIcal } from './support/parse-calendar';
import { DST_EVENTS, RenderedFixtures } from './support/render-fixture';

/**
 * The calendars are rendered in a child process whose zone no venue uses (Pacific/Chatham,
 * +13:45): a renderer that formatted plain Dates in the process's zone would show here; a feed
 * must not depend on it. (Jest gives test files a copy of process.env, so TZ cannot be changed in here.)
 */
async function renderInZone(tz: string): Promise<RenderedFixtures> {
  const root = join(__dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'support', 'render-fixture.ts')],
    { cwd: root, env: { ...process.env, TZ: tz, TS_NODE_PROJECT: join(root, 'tsconfig.json') }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as RenderedFixtures;
}

let fixtures: RenderedFixtures;
beforeAll(async () => {
  fixtures = await renderInZone('Pacific/Chatham');
});

const wallClock = (d: Date, zone: string, dateOnly: boolean) =>
  DateTime.fromJSDate(d, { zone }).toFormat(dateOnly ? 'yyyy-LL-dd' : 'yyyy-LL-dd HH:mm');

describe('feed calendars in independent parsers (rendered in Pacific/Chatham)', () => {
  it('was rendered in another zone than any venue', () => {
    expect(fixtures.utcOffsetMinutes).toBe(13 * 60 + 45);
  });

  it('is well-formed RFC 5545 with the calendar properties feeds need', () => {
    const text = fixtures.dst;
    assertWellFormed(text);
    const lines = contentLines(text);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    for (const expected of [
      'VERSION:2.0',
      'PRODID:-//calbridge//ical-feed//EN',
      'CALSCALE:GREGORIAN',
      'NAME:Kreuzberg Hair Studio — Anna Becker',
      'X-WR-CALNAME:Kreuzberg Hair Studio — Anna Becker',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
    ]) {
      expect(lines).toContain(expected);
    }
    // A subscription, not an iTIP message: no METHOD (with METHOD:PUBLISH every VEVENT would need an ORGANIZER).
    expect(text).not.toMatch(/^METHOD/m);
    // No non-standard TIMEZONE-ID (libical rejects it), no alarms.
    expect(text).not.toMatch(/^TIMEZONE-ID|^X-WR-TIMEZONE/m);
    expect(text).not.toContain('BEGIN:VALARM');
    // One VTIMEZONE per zone used by a timed event.
    const tzids = lines.filter((l) => l.startsWith('TZID:')).sort();
    expect(tzids).toEqual(['TZID:America/New_York', 'TZID:Asia/Kolkata', 'TZID:Australia/Sydney', 'TZID:Europe/Berlin']);
  });

  it('ical.js reads every event at the right instant and wall clock', () => {
    const { events } = parseWithIcalJs(fixtures.dst);
    expect(events).toHaveLength(DST_EVENTS.length);
    for (const input of DST_EVENTS) {
      const parsed = events.find((e) => e.uid === input.uid)!;
      expect(parsed.allDay).toBe(input.allDay);
      expect(parsed.localStart).toBe(wallClock(input.start, input.zone, input.allDay));
      expect(parsed.localEnd).toBe(wallClock(input.end, input.zone, input.allDay));
      if (!input.allDay) {
        expect(parsed.tzid).toBe(input.zone);
        expect(parsed.start.toISOString()).toBe(input.start.toISOString());
        expect(parsed.end!.toISOString()).toBe(input.end.toISOString());
      }
      expect(parsed.summary).toBe(input.summary);
      expect(parsed.description).toBe(input.description);
      expect(parsed.status).toBe('CONFIRMED');
    }
    // The night DST starts in Berlin: 01:30 CET to 03:30 CEST is one hour.
    const night = events.find((e) => e.uid === 'berlin-spring-night@calbridge')!;
    expect(night.localStart).toBe('2026-03-29 01:30');
    expect(night.localEnd).toBe('2026-03-29 03:30');
    expect(night.end.getTime() - night.start.getTime()).toBe(3_600_000);
  });

  it('node-ical reads every event at the right instant (and all-day events as dates)', () => {
    const events = parseWithNodeIcal(fixtures.dst);
    expect(events.size).toBe(DST_EVENTS.length);
    for (const input of DST_EVENTS) {
      const parsed = events.get(input.uid)!;
      expect(parsed).toBeDefined();
      if (input.allDay) {
        expect(parsed.datetype).toBe('date');
        const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
        expect(local(parsed.start)).toBe(wallClock(input.start, input.zone, true));
        expect(local(parsed.end!)).toBe(wallClock(input.end, input.zone, true));
      } else {
        expect(parsed.start.toISOString()).toBe(input.start.toISOString());
        expect(parsed.end!.toISOString()).toBe(input.end.toISOString());
      }
    }
  });

  it('libical reads every event at the right instant and finds nothing to object to (RFC 5545 and iTIP restrictions)', async () => {
    for (const text of [fixtures.dst, fixtures.dstUtcOnly, fixtures.aliases, fixtures.hostile]) {
      const { errors, events } = await parseWithLibical(text);
      expect(errors).toEqual([]);
      expect(events.length).toBeGreaterThan(0);
    }
    const { events } = await parseWithLibical(fixtures.dst);
    expect(events).toHaveLength(DST_EVENTS.length);
    for (const input of DST_EVENTS) {
      const parsed = events.find((e) => e.uid === input.uid)!;
      expect(parsed.summary).toBe(input.summary);
      if (input.allDay) {
        expect(parsed.start.date).toBe(wallClock(input.start, input.zone, true));
        expect(parsed.end!.date).toBe(wallClock(input.end, input.zone, true));
      } else {
        expect(parsed.tzid).toBe(input.zone);
        expect(parsed.start.utc).toBe(input.start.getTime() / 1000);
        expect(parsed.end!.utc).toBe(input.end.getTime() / 1000);
      }
    }
    const aliased = await parseWithLibical(fixtures.aliases);
    expect(aliased.events.find((e) => e.uid === 'alias@calbridge')!.start.utc).toBe(Date.parse('2026-07-01T13:00:00Z') / 1000);
  });

  it('writes UTC times and no VTIMEZONE in UTC-only mode, all-day events still as dates', () => {
    const utc = fixtures.dstUtcOnly;
    assertWellFormed(utc);
    expect(utc).not.toContain('BEGIN:VTIMEZONE');
    expect(contentLines(utc).filter((l) => l.startsWith('DTSTART') && !l.includes('VALUE=DATE')).every((l) => /^DTSTART:\d{8}T\d{6}Z$/.test(l))).toBe(true);
    const { events } = parseWithIcalJs(utc);
    for (const input of DST_EVENTS) {
      const parsed = events.find((e) => e.uid === input.uid)!;
      if (input.allDay) expect(parsed.localStart).toBe(wallClock(input.start, input.zone, true));
      else expect(parsed.start.toISOString()).toBe(input.start.toISOString());
    }
  });

  it('uses the canonical TZID for zone aliases and UTC times for UTC venues', () => {
    const aliased = fixtures.aliases;
    expect(aliased).toContain('DTSTART;TZID=America/New_York:20260701T090000');
    expect(aliased).toContain('DTSTART:20260701T090000Z');
    expect(contentLines(aliased).filter((l) => l.startsWith('TZID:'))).toEqual(['TZID:America/New_York']);
    const { events } = parseWithIcalJs(aliased);
    expect(events.find((e) => e.uid === 'alias@calbridge')!.start.toISOString()).toBe('2026-07-01T13:00:00.000Z');
  });

  it('escapes names and text so that nothing can inject calendar lines', () => {
    const hostile = fixtures.hostile;
    assertWellFormed(hostile);
    expect(hostile).not.toMatch(/^BEGIN:VALARM/m);
    expect(hostile.match(/^BEGIN:VEVENT/gm)).toHaveLength(1);
    expect(contentLines(hostile)).toContain('X-WR-CALNAME:Venue\\, Inc.\\; \\nBEGIN:VEVENT');
    const { events } = parseWithIcalJs(hostile);
    expect(events[0].summary).toBe('a\nBEGIN:VALARM\nX;Y,Z\\');
  });

  it('the same codec writes email invitations (REQUEST, CANCEL) that pass libical\'s iTIP restrictions', async () => {
    const invitation = (over: Partial<VEventInput>): VEventInput => ({
      uid: 'booking-1@calbridge',
      sequence: 0,
      stamp: new Date('2026-06-01T10:00:00Z'),
      start: new Date('2026-07-01T13:00:00Z'),
      end: new Date('2026-07-01T14:00:00Z'),
      zone: 'US/Eastern',
      summary: 'Colour and cut',
      location: 'Salon 1',
      status: 'CONFIRMED',
      organizer: { email: 'bookings@salon.example', name: 'Salon, Berlin' },
      attendees: [{ email: 'sarah@example.com', name: 'Sarah J.', partstat: 'NEEDS-ACTION', rsvp: false }],
      ...over,
    });
    const request = renderCalendar({ prodId: '-//calbridge//booking//EN', method: 'REQUEST' }, [renderEvent(invitation({}))]);
    const cancel = renderCalendar({ prodId: '-//calbridge//booking//EN', method: 'CANCEL' }, [renderEvent(invitation({ sequence: 1, status: 'CANCELLED' }))]);
    for (const text of [request, cancel]) {
      const { errors, events } = await parseWithLibical(text);
      expect(errors).toEqual([]);
      expect(events[0]).toMatchObject({ uid: 'booking-1@calbridge', tzid: 'America/New_York', start: { utc: Date.parse('2026-07-01T13:00:00Z') / 1000 } });
    }
    // The check can fail: a REQUEST without its ORGANIZER is refused.
    const orphan = renderCalendar({ prodId: '-//calbridge//booking//EN', method: 'REQUEST' }, [renderEvent(invitation({ organizer: null }))]);
    expect((await parseWithLibical(orphan)).errors.join('\n')).toMatch(/ORGANIZER/);
  });
});
