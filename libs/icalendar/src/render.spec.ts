import ICAL from 'ical.js';
import { calendarHead, duration, renderCalendar, renderEvent, VEventInput } from './render';
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
        'ATTENDEE;CN=Sarah J.;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:sarah@example.com',
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
    expect(lines(text)).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:3', 'ORGANIZER:mailto:a@x.example', 'ATTENDEE:mailto:b@y.example']));
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
    expect(() => renderEvent(base({ properties: [['X-EVIL:1\r\nBEGIN', 'v']] }))).toThrow('Invalid iCalendar property name');
  });

  it('writes subscription properties and durations', () => {
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
    expect([duration(0), duration(90), duration(5400), duration(86_400 + 1800)]).toEqual(['PT0S', 'PT1M30S', 'PT1H30M', 'P1DT30M']);
  });
});
