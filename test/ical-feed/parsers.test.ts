import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { assertWellFormed, contentLines, parseWithIcalJs, parseWithNodeIcal } from './support/parse-calendar';
import { DST_EVENTS, RenderedFixtures } from './support/render-fixture';

/**
 * The calendars are rendered in a child process whose zone no venue uses (Pacific/Chatham,
 * +13:45): ical-generator formats plain Dates in the process's zone, and a feed must not depend
 * on it. (Jest gives test files a copy of process.env, so TZ cannot be changed in here.)
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
      'METHOD:PUBLISH',
      'NAME:Kreuzberg Hair Studio — Anna Becker',
      'X-WR-CALNAME:Kreuzberg Hair Studio — Anna Becker',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
    ]) {
      expect(lines).toContain(expected);
    }
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
});
