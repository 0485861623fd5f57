import ICAL from 'ical.js';
import { calendarHead, renderCalendar, renderEvent, VEventInput } from './render';
import { unfold } from './text';

const base = (over: Partial<VEventInput> = {}): VEventInput => ({
  uid: 'job-1@calbridge',
  sequence: 2,
  stamp: new Date('2026-06-01T10:00:00Z'),
  start: new Date('2026-07-01T13:00:00Z'),
  end: new Date('2026-07-01T14:00:00Z'),
  zone: 'Europe/Berlin',
  summary: 'Colour, cut; blow-dry',
  ...over,
});

const lines = (text: string) => unfold(text).split('\r\n').filter(Boolean);

describe('renderEvent / renderCalendar', () => {
  it('writes an invitation (METHOD:REQUEST) that ical.js reads back: organizer, attendee, sequence, status', () => {
    const event = renderEvent(
      base({
        status: 'CONFIRMED',
        location: 'Salon 1, Berlin',
        description: 'Line one\nLine two',
        url: 'https://app.example/manage/abc',
        organizer: { email: 'bookings@salon.example', name: 'Salon, Berlin' },
        attendees: [{ email: 'sarah@example.com', name: 'Sarah J.', partstat: 'NEEDS-ACTION', rsvp: true, role: 'REQ-PARTICIPANT' }],
        properties: [['X-CALBRIDGE-JOB', 'j1']],
      }),
    );
    const text = renderCalendar({ prodId: '-//calbridge//invitations//EN', method: 'REQUEST' }, [event]);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'METHOD:REQUEST',
        'ORGANIZER;CN="Salon, Berlin":mailto:bookings@salon.example',
        // ical-generator's layout: ROLE first, CN always quoted, the scheme in capitals (case-insensitive in RFC 5545).
        'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="Sarah J.":MAILTO:sarah@example.com',
        'SEQUENCE:2',
        'STATUS:CONFIRMED',
        'URL;VALUE=URI:https://app.example/manage/abc',
        'X-CALBRIDGE-JOB:j1',
      ]),
    );
    const root = new ICAL.Component(ICAL.parse(text));
    const vevent = root.getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('summary')).toBe('Colour, cut; blow-dry');
    expect(vevent.getFirstPropertyValue('location')).toBe('Salon 1, Berlin');
    expect(vevent.getFirstPropertyValue('description')).toBe('Line one\nLine two');
    expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe('Salon, Berlin');
    expect(vevent.getFirstProperty('attendee')!.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(root.getAllSubcomponents('vtimezone').map((v) => v.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin']);
  });

  it('writes a cancellation (METHOD:CANCEL, STATUS:CANCELLED) with a higher sequence', () => {
    const event = renderEvent(base({ sequence: 3, status: 'CANCELLED', organizer: { email: 'a@x.example' }, attendees: [{ email: 'b@y.example' }] }));
    const text = renderCalendar({ prodId: '-//calbridge//invitations//EN', method: 'CANCEL' }, [event]);
    // Without a name the organizer's CN is its address (ical-generator always writes one).
    expect(lines(text)).toEqual(
      expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:3', 'ORGANIZER;CN="a@x.example":mailto:a@x.example', 'ATTENDEE;ROLE=REQ-PARTICIPANT:MAILTO:b@y.example']),
    );
    expect(text).not.toMatch(/^TIMEZONE-ID|^X-WR-TIMEZONE/m);
  });

  it('names the canonical zone its VTIMEZONE declares, for aliases too', () => {
    const event = renderEvent(base({ zone: 'US/Eastern' }));
    expect(event.tzid).toBe('America/New_York');
    const text = renderCalendar({ prodId: '-//t//EN' }, [event]);
    expect(lines(text)).toEqual(expect.arrayContaining(['DTSTART;TZID=America/New_York:20260701T090000', 'TZID:America/New_York']));
    expect(text).not.toContain('US/Eastern');
    expect(text).not.toContain('METHOD');
  });

  it('writes UTC venues and UTC-only events in UTC, all-day events as dates of the zone', () => {
    expect(lines(renderEvent(base({ zone: 'Etc/UTC' })).text)).toContain('DTSTART:20260701T130000Z');
    expect(lines(renderEvent(base({ utc: true })).text)).toContain('DTEND:20260701T140000Z');
    const allDay = renderEvent(base({ allDay: true, zone: 'Australia/Sydney', start: new Date('2026-06-30T14:00:00Z'), end: new Date('2026-07-01T14:00:00Z') }));
    expect(allDay.tzid).toBeNull();
    expect(lines(allDay.text)).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20260701', 'DTEND;VALUE=DATE:20260702']));
    // Outlook's all-day markers, from ical-generator, once.
    expect(lines(allDay.text).filter((l) => l.startsWith('X-MICROSOFT-CDO-ALLDAYEVENT:TRUE'))).toHaveLength(1);
  });

  it('keeps hostile values inside their property and folds long lines', () => {
    const event = renderEvent(
      base({
        summary: 'x\r\nBEGIN:VALARM',
        url: 'https://a.example/\r\nBEGIN:VALARM',
        organizer: { email: 'o@x.example\r\nATTENDEE:mailto:evil@x.example', name: 'N"\r\nX' },
        description: 'é'.repeat(200),
      }),
    );
    expect(event.text).not.toMatch(/^BEGIN:VALARM/m);
    expect(event.text).not.toMatch(/^ATTENDEE/m);
    expect(event.text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    // A parameter cannot carry a double quote (ical-generator would backslash it): it is dropped.
    expect(unfold(event.text)).toContain('ORGANIZER;CN="NX":mailto:');
    expect(() => renderEvent(base({ properties: [['X-EVIL:1\r\nBEGIN', 'v']] }))).toThrow('Invalid iCalendar property name');
  });

  it('writes a URL with commas and semicolons percent-encoded (never TEXT-escaped)', () => {
    const text = unfold(renderEvent(base({ url: 'https://meet.example/j?a=1,2;b=3' })).text);
    expect(text).toContain('URL;VALUE=URI:https://meet.example/j?a=1%2C2%3Bb=3');
  });

  it('writes local times of the venue zone, whatever the process zone (luxon values, not Dates)', () => {
    // 13:00Z is 15:00 in Berlin in July; the process's own zone plays no part (test/ical-feed/parsers.test.ts
    // renders whole feeds in a Pacific/Chatham process and reads them with three parsers).
    expect(lines(renderEvent(base()).text)).toEqual(expect.arrayContaining(['DTSTART;TZID=Europe/Berlin:20260701T150000', 'DTEND;TZID=Europe/Berlin:20260701T160000']));
  });

  it('writes subscription properties (durations by ical-generator)', () => {
    expect(lines(calendarHead({ prodId: '-//calbridge//ical-feed//EN', name: 'A, B', description: 'd', refreshMinutes: 60 }))).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//calbridge//ical-feed//EN',
      'CALSCALE:GREGORIAN',
      'NAME:A\\, B',
      'X-WR-CALNAME:A\\, B',
      'X-WR-CALDESC:d',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
    ]);
  });
});
