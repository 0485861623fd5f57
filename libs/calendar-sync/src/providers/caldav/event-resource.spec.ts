import ICAL from 'ical.js';
import type { OutboundEvent } from '../calendar-provider';
import { renderEventResource } from './event-resource';

const event = (timezone: string): OutboundEvent => ({
  key: 'cb-test-key',
  jobId: '7d0c8f8e-7d0a-4a53-9d43-0b6a7d1f7c11',
  connectionId: 'c0ffee00-0000-4000-8000-000000000001',
  title: 'Colour and cut',
  description: 'Status: Confirmed',
  location: 'Salon 1',
  url: 'https://platform.example/jobs/1',
  startsAt: new Date('2026-07-01T13:00:00Z'),
  endsAt: new Date('2026-07-01T14:00:00Z'),
  allDay: false,
  timezone,
  status: 'confirmed',
  sequence: 3,
  contentHash: 'abc',
});

/** Every TZID a DTSTART/DTEND names must be declared by a VTIMEZONE of the same object (RFC 5545 3.2.19). */
function zonesOf(ics: string): { declared: string[]; used: string[]; start: Date } {
  const root = new ICAL.Component(ICAL.parse(ics));
  const declared = root.getAllSubcomponents('vtimezone').map((v) => String(v.getFirstPropertyValue('tzid')));
  const vevent = root.getFirstSubcomponent('vevent')!;
  const used = ['dtstart', 'dtend']
    .map((name) => vevent.getFirstProperty(name)!.getParameter('tzid'))
    .filter((tzid): tzid is string => typeof tzid === 'string');
  const zones = new Map(root.getAllSubcomponents('vtimezone').map((v) => [String(v.getFirstPropertyValue('tzid')), new ICAL.Timezone(v)]));
  const dtstart = vevent.getFirstProperty('dtstart')!;
  const time = dtstart.getFirstValue() as ICAL.Time;
  const tzid = dtstart.getParameter('tzid');
  const fields = { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
  const start = typeof tzid === 'string' ? new Date(new ICAL.Time(fields, zones.get(tzid)!).toUnixTime() * 1000) : time.toJSDate();
  return { declared, used, start };
}

describe('CalDAV event resources in zone aliases', () => {
  const aliases: Array<[string, string]> = [
    ['US/Eastern', 'America/New_York'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['US/Central', 'America/Chicago'],
    ['US/Mountain', 'America/Denver'],
    ['US/Hawaii', 'Pacific/Honolulu'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['GB', 'Europe/London'],
  ];
  for (const [alias, canonical] of aliases) {
    it(`names the zone its VTIMEZONE declares for ${alias} (${canonical})`, () => {
      const { declared, used, start } = zonesOf(renderEventResource(event(alias)));
      expect(declared).toEqual([canonical]);
      expect(used).toEqual([canonical, canonical]);
      expect(start.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    });
  }

  for (const utc of ['UTC', 'Etc/UTC']) {
    it(`writes UTC times without a VTIMEZONE for ${utc}`, () => {
      const ics = renderEventResource(event(utc));
      const { declared, used, start } = zonesOf(ics);
      expect(declared).toEqual([]);
      expect(used).toEqual([]);
      expect(ics).toContain('DTSTART:20260701T130000Z');
      expect(start.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    });
  }
});
