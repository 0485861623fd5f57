import type { OutboundEvent } from '../calendar-provider';
import { carriesContent, googleMeetingOf, interpretGoogleEvent, interpretGoogleSeries, sortGoogleItems, toGoogleEvent } from './google-events';

const options = { window: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') }, zone: 'Europe/Berlin' };
const timed = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  etag: '"1"',
  status: 'confirmed',
  start: { dateTime: '2026-03-30T10:00:00+02:00' },
  end: { dateTime: '2026-03-30T11:00:00+02:00' },
  ...extra,
});

describe('reading Google events', () => {
  it('a timed event blocks its interval; free, declined, cancelled and out-of-window ones block nothing', () => {
    expect(interpretGoogleEvent(timed('a'), options)).toEqual({
      externalId: 'a',
      etag: '"1"',
      ours: false,
      busy: [{ instanceKey: '', startsAt: new Date('2026-03-30T08:00:00Z'), endsAt: new Date('2026-03-30T09:00:00Z'), allDay: false }],
    });
    expect(interpretGoogleEvent(timed('b', { transparency: 'transparent' }), options).busy).toEqual([]);
    expect(interpretGoogleEvent(timed('c', { attendees: [{ email: 'x@example.com' }, { email: 'me@example.com', self: true, responseStatus: 'declined' }] }), options).busy).toEqual([]);
    expect(interpretGoogleEvent(timed('d', { attendees: [{ email: 'me@example.com', self: true, responseStatus: 'tentative' }] }), options).busy).toHaveLength(1);
    expect(interpretGoogleEvent(timed('e', { start: { dateTime: '2027-01-01T10:00:00Z' }, end: { dateTime: '2027-01-01T11:00:00Z' } }), options).busy).toEqual([]);
  });

  it('an all-day event blocks whole days in the calendar zone (end date exclusive), across DST', () => {
    const holiday = interpretGoogleEvent({ id: 'h', start: { date: '2026-03-28' }, end: { date: '2026-03-30' } }, options);
    expect(holiday.busy).toEqual([{ instanceKey: '', startsAt: new Date('2026-03-27T23:00:00Z'), endsAt: new Date('2026-03-29T22:00:00Z'), allDay: true }]);
  });

  it('our own events (private marker) are recognised and block nothing', () => {
    const ours = interpretGoogleEvent(timed('cb0', { extendedProperties: { private: { calbridgeKey: 'cb0', calbridgeHash: 'h1' } } }), options);
    expect(ours).toMatchObject({ ours: true, busy: [] });
    expect(carriesContent(timed('cb0', { extendedProperties: { private: { calbridgeHash: 'h1' } } }), 'h1')).toBe(true);
    expect(carriesContent(timed('cb0', { status: 'cancelled', extendedProperties: { private: { calbridgeHash: 'h1' } } }), 'h1')).toBe(false);
    expect(carriesContent(timed('cb0', { extendedProperties: { private: { calbridgeHash: 'h0' } } }), 'h1')).toBe(false);
  });

  it('sorts a listing: single events, instances by series, tombstones', () => {
    const instance = (at: string, extra: Record<string, unknown> = {}) =>
      timed(`s_${at}`, { recurringEventId: 's', originalStartTime: { dateTime: at }, start: { dateTime: at }, end: { dateTime: at.replace('T08', 'T09') }, ...extra });
    const sorted = sortGoogleItems([
      timed('a'),
      instance('2026-04-06T08:00:00Z'),
      { id: 'gone', status: 'cancelled' },
      instance('2026-04-13T08:00:00Z', { status: 'cancelled' }),
    ]);
    expect(sorted.singles.map((e) => e.id)).toEqual(['a']);
    expect(sorted.deleted).toEqual(['gone']);
    expect([...sorted.series.keys()]).toEqual(['s']);
    const series = interpretGoogleSeries('s', sorted.series.get('s')!, options);
    // One remote object per series; the cancelled instance blocks nothing.
    expect(series).toEqual({
      externalId: 's',
      etag: null,
      ours: false,
      busy: [{ instanceKey: '2026-04-06T08:00:00.000Z', startsAt: new Date('2026-04-06T08:00:00Z'), endsAt: new Date('2026-04-06T09:00:00Z'), allDay: false }],
    });
  });
});

describe('writing Google events', () => {
  const event = (over: Partial<OutboundEvent> = {}): OutboundEvent => ({
    key: 'cb0123456789abcdefghijklmnopqrstuv',
    jobId: 'job-1',
    connectionId: 'conn-1',
    title: 'Cut',
    description: 'Status: confirmed',
    location: null,
    url: 'https://platform.example/jobs/job-1',
    startsAt: new Date('2026-03-30T08:00:00Z'),
    endsAt: new Date('2026-03-30T09:00:00Z'),
    allDay: false,
    timezone: 'Europe/Berlin',
    status: 'confirmed',
    sequence: 3,
    contentHash: 'hash-1',
    ...over,
  });

  it('uses the engine key as id, the venue zone, and the private marker', () => {
    expect(toGoogleEvent(event())).toEqual({
      id: 'cb0123456789abcdefghijklmnopqrstuv',
      summary: 'Cut',
      description: 'Status: confirmed',
      location: undefined,
      start: { dateTime: '2026-03-30T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-03-30T11:00:00+02:00', timeZone: 'Europe/Berlin' },
      status: 'confirmed',
      transparency: 'opaque',
      source: { title: 'calbridge', url: 'https://platform.example/jobs/job-1' },
      extendedProperties: { private: { calbridgeKey: 'cb0123456789abcdefghijklmnopqrstuv', calbridgeJob: 'job-1', calbridgeConnection: 'conn-1', calbridgeHash: 'hash-1' } },
    });
  });

  it('writes all-day jobs as dates, tentative as tentative, kept-cancelled ones as free', () => {
    const allDay = toGoogleEvent(event({ allDay: true, startsAt: new Date('2026-03-29T22:00:00Z'), endsAt: new Date('2026-03-30T22:00:00Z') }));
    expect([allDay.start, allDay.end]).toEqual([{ date: '2026-03-30' }, { date: '2026-03-31' }]);
    expect(toGoogleEvent(event({ status: 'tentative' })).status).toBe('tentative');
    expect(toGoogleEvent(event({ status: 'cancelled' }))).toMatchObject({ status: 'confirmed', transparency: 'transparent', summary: 'Cancelled: Cut' });
  });
});

describe('Google conference answers', () => {
  const request = { requestId: 'k', conferenceSolutionKey: { type: 'hangoutsMeet' } };
  it('reads success, pending and failure', () => {
    const uri = 'https://meet.google.com/abc-defg-hij';
    expect(googleMeetingOf({ conferenceData: { createRequest: { ...request, status: { statusCode: 'success' } }, entryPoints: [{ entryPointType: 'video', uri }] } })).toEqual({ status: 'created', url: uri });
    expect(googleMeetingOf({ conferenceData: { createRequest: { ...request, status: { statusCode: 'pending' } } } })).toEqual({ status: 'pending' });
    expect(googleMeetingOf({ conferenceData: { createRequest: { ...request, status: { statusCode: 'failure' } } } })).toMatchObject({ status: 'unavailable' });
    expect(googleMeetingOf({})).toMatchObject({ status: 'unavailable' });
  });
});

