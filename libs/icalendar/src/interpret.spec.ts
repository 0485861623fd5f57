import { interpretCalendarObject, InterpretOptions } from './interpret';

const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const options = (over: Partial<InterpretOptions> = {}): InterpretOptions => ({
  window: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') },
  zone: 'Europe/Berlin',
  userAddresses: ['mailto:alice@example.com'],
  ...over,
});
const iso = (busy: Array<{ startsAt: Date; endsAt: Date }>) => busy.map((b) => [b.startsAt.toISOString(), b.endsAt.toISOString()]);

describe('interpretCalendarObject', () => {
  it('reads a single event with a TZID (DST honoured)', () => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:a', 'DTSTART;TZID=Europe/Berlin:20260330T100000', 'DTEND;TZID=Europe/Berlin:20260330T113000', 'END:VEVENT'),
      options(),
    );
    expect(r).toMatchObject({ uid: 'a', ours: false });
    expect(iso(r.busy)).toEqual([['2026-03-30T08:00:00.000Z', '2026-03-30T09:30:00.000Z']]);
    expect(r.busy[0]).toMatchObject({ instanceKey: '', allDay: false });
  });

  it('expands a weekly series honouring one EXDATE and one moved instance', () => {
    const r = interpretCalendarObject(
      cal(
        'BEGIN:VEVENT',
        'UID:weekly',
        'DTSTART;TZID=Europe/Berlin:20260302T090000',
        'DTEND;TZID=Europe/Berlin:20260302T100000',
        'RRULE:FREQ=WEEKLY;COUNT=5',
        'EXDATE;TZID=Europe/Berlin:20260309T090000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000',
        'DTSTART;TZID=Europe/Berlin:20260317T140000',
        'DTEND;TZID=Europe/Berlin:20260317T153000',
        'END:VEVENT',
      ),
      options(),
    );
    expect(iso(r.busy)).toEqual([
      ['2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z'],
      ['2026-03-17T13:00:00.000Z', '2026-03-17T14:30:00.000Z'], // moved from Monday 16th
      ['2026-03-23T08:00:00.000Z', '2026-03-23T09:00:00.000Z'],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T08:00:00.000Z'], // after the DST change: still 09:00 local
    ]);
    expect(r.busy.map((b) => b.instanceKey)).toContain('2026-03-16T08:00:00.000Z');
  });

  it('only returns occurrences inside the window, including one moved into it', () => {
    const r = interpretCalendarObject(
      cal(
        'BEGIN:VEVENT',
        'UID:daily',
        'DTSTART:20260101T120000Z',
        'DTEND:20260101T130000Z',
        'RRULE:FREQ=DAILY',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:daily',
        'RECURRENCE-ID:20260901T120000Z',
        'DTSTART:20260601T000000Z',
        'DTEND:20260601T010000Z',
        'END:VEVENT',
      ),
      options({ window: { from: new Date('2026-05-30T00:00:00Z'), to: new Date('2026-06-01T00:30:00Z') } }),
    );
    expect(iso(r.busy)).toEqual([
      ['2026-05-30T12:00:00.000Z', '2026-05-30T13:00:00.000Z'],
      ['2026-05-31T12:00:00.000Z', '2026-05-31T13:00:00.000Z'],
      ['2026-06-01T00:00:00.000Z', '2026-06-01T01:00:00.000Z'],
    ]);
  });

  it('blocks whole days in the zone for all-day events (end date exclusive)', () => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:d', 'DTSTART;VALUE=DATE:20260329', 'DTEND;VALUE=DATE:20260331', 'END:VEVENT'),
      options(),
    );
    expect(iso(r.busy)).toEqual([['2026-03-28T23:00:00.000Z', '2026-03-30T22:00:00.000Z']]);
    expect(r.busy[0].allDay).toBe(true);
  });

  it('expands all-day series by date', () => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:d', 'DTSTART;VALUE=DATE:20260302', 'RRULE:FREQ=WEEKLY;COUNT=2', 'END:VEVENT'),
      options({ zone: 'UTC' }),
    );
    expect(r.busy.map((b) => [b.instanceKey, b.startsAt.toISOString(), b.endsAt.toISOString()])).toEqual([
      ['2026-03-02', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
      ['2026-03-09', '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ]);
  });

  it.each([
    ['transparent', 'TRANSP:TRANSPARENT'],
    ['cancelled', 'STATUS:CANCELLED'],
    ['declined', 'ATTENDEE;PARTSTAT=DECLINED:mailto:Alice@Example.com'],
  ])('does not block %s events', (_name, line) => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:x', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', line, 'END:VEVENT'),
      options(),
    );
    expect(r.busy).toEqual([]);
  });

  it('blocks invitations someone else declined', () => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:x', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com', 'END:VEVENT'),
      options(),
    );
    expect(r.busy).toHaveLength(1);
  });

  it('drops one cancelled instance of a series', () => {
    const r = interpretCalendarObject(
      cal(
        'BEGIN:VEVENT',
        'UID:s',
        'DTSTART:20260302T100000Z',
        'DTEND:20260302T110000Z',
        'RRULE:FREQ=DAILY;COUNT=3',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:s',
        'RECURRENCE-ID:20260303T100000Z',
        'DTSTART:20260303T100000Z',
        'DTEND:20260303T110000Z',
        'STATUS:CANCELLED',
        'END:VEVENT',
      ),
      options(),
    );
    expect(r.busy.map((b) => b.instanceKey)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-04T10:00:00.000Z']);
  });

  it('recognises the caller\'s own events (isOwn) and never blocks with them', () => {
    const isOwn: InterpretOptions['isOwn'] = (v) => v.uid.endsWith('@calbridge') || v.has('X-CALBRIDGE-JOB');
    const byUid = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:cbabc@calbridge', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'END:VEVENT'),
      options({ isOwn }),
    );
    const byMarker = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:other', 'X-CALBRIDGE-JOB:j1', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'END:VEVENT'),
      options({ isOwn }),
    );
    const foreign = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:other', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'END:VEVENT'),
      options({ isOwn }),
    );
    expect(byUid).toMatchObject({ ours: true, busy: [] });
    expect(byMarker).toMatchObject({ ours: true, busy: [] });
    expect(foreign).toMatchObject({ ours: false, busy: [{ instanceKey: '' }] });
  });

  it('uses the VTIMEZONE for zones that are not IANA names, and the default zone for floating times', () => {
    const r = interpretCalendarObject(
      cal(
        'BEGIN:VTIMEZONE',
        'TZID:W. Europe Standard Time',
        'BEGIN:STANDARD',
        'DTSTART:16010101T030000',
        'TZOFFSETFROM:+0200',
        'TZOFFSETTO:+0100',
        'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
        'END:STANDARD',
        'BEGIN:DAYLIGHT',
        'DTSTART:16010101T020000',
        'TZOFFSETFROM:+0100',
        'TZOFFSETTO:+0200',
        'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
        'END:DAYLIGHT',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:w',
        'DTSTART;TZID=W. Europe Standard Time:20260310T100000',
        'DTEND;TZID=W. Europe Standard Time:20260310T110000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:f',
        'DTSTART:20260311T100000',
        'DURATION:PT30M',
        'END:VEVENT',
      ),
      options(),
    );
    expect(iso(r.busy)).toEqual([
      ['2026-03-10T09:00:00.000Z', '2026-03-10T10:00:00.000Z'],
      ['2026-03-11T09:00:00.000Z', '2026-03-11T09:30:00.000Z'],
    ]);
  });

  it('ignores timed events without an end or duration (they take no time)', () => {
    const r = interpretCalendarObject(cal('BEGIN:VEVENT', 'UID:z', 'DTSTART:20260310T100000Z', 'END:VEVENT'), options());
    expect(r.busy).toEqual([]);
  });

  it('bounds runaway rules', () => {
    const r = interpretCalendarObject(
      cal('BEGIN:VEVENT', 'UID:m', 'DTSTART:20260301T000000Z', 'DTEND:20260301T000030Z', 'RRULE:FREQ=MINUTELY', 'END:VEVENT'),
      options(),
    );
    expect(r.busy.length).toBeLessThanOrEqual(5_000);
  });
});
