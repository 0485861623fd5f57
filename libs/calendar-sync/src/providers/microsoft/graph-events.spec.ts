import type { OutboundEvent } from '../calendar-provider';
import { echoesEvent, GRAPH_MARKER, GraphEvent, graphMeetingOf, interpretGraphDelta, teamsUnavailableReason, toGraphEvent } from './graph-events';

const options = { window: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') }, zone: 'Europe/Berlin' };
const row = (id: string, extra: Partial<GraphEvent> = {}): GraphEvent => ({
  id,
  '@odata.etag': `W/"${id}"`,
  type: 'singleInstance',
  showAs: 'busy',
  isAllDay: false,
  isCancelled: false,
  responseStatus: { response: 'organizer' },
  start: { dateTime: '2026-03-30T08:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2026-03-30T09:00:00.0000000', timeZone: 'UTC' },
  ...extra,
});
const busyOf = (r: GraphEvent) => interpretGraphDelta([r], options).upserts[0]?.busy;

describe('reading a Graph delta round', () => {
  it('rows become blocking intervals; free, working elsewhere, declined and cancelled rows do not block', () => {
    expect(busyOf(row('a'))).toEqual([{ instanceKey: '', startsAt: new Date('2026-03-30T08:00:00Z'), endsAt: new Date('2026-03-30T09:00:00Z'), allDay: false }]);
    expect(busyOf(row('b', { showAs: 'free' }))).toEqual([]);
    expect(busyOf(row('c', { showAs: 'workingElsewhere' }))).toEqual([]);
    expect(busyOf(row('d', { responseStatus: { response: 'declined' } }))).toEqual([]);
    expect(busyOf(row('e', { isCancelled: true }))).toEqual([]);
    expect(busyOf(row('f', { showAs: 'tentative' }))).toHaveLength(1);
    expect(busyOf(row('g', { showAs: 'oof' }))).toHaveLength(1);
    // Times in another zone than asked for are read in it.
    expect(busyOf(row('h', { start: { dateTime: '2026-03-30T10:00:00.0000000', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-03-30T11:00:00.0000000', timeZone: 'Europe/Berlin' } }))).toEqual([
      { instanceKey: '', startsAt: new Date('2026-03-30T08:00:00Z'), endsAt: new Date('2026-03-30T09:00:00Z'), allDay: false },
    ]);
  });

  it('all-day rows block whole days in the calendar zone', () => {
    const holiday = row('h', { isAllDay: true, start: { dateTime: '2026-03-28T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-03-30T00:00:00.0000000', timeZone: 'UTC' } });
    expect(busyOf(holiday)).toEqual([{ instanceKey: '', startsAt: new Date('2026-03-27T23:00:00Z'), endsAt: new Date('2026-03-29T22:00:00Z'), allDay: true }]);
  });

  it('occurrences are rows of their own, @removed rows are deletions, the last appearance of a row wins, masters are skipped', () => {
    const { upserts, deletions } = interpretGraphDelta(
      [
        row('occ1', { type: 'occurrence' }),
        row('x'),
        { id: 'x', '@removed': { reason: 'deleted' } },
        row('master', { type: 'seriesMaster' }),
        { id: 'gone', '@removed': { reason: 'deleted' } },
        row('occ1', { type: 'exception', start: { dateTime: '2026-03-30T12:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-03-30T13:00:00.0000000', timeZone: 'UTC' } }),
      ],
      options,
    );
    expect(deletions.sort()).toEqual(['gone', 'x']);
    expect(upserts.map((u) => [u.externalId, u.busy[0]?.startsAt.toISOString()])).toEqual([['occ1', '2026-03-30T12:00:00.000Z']]);
  });

  it('our own events are recognised by their transactionId (delta cannot expand extended properties)', () => {
    const [ours] = interpretGraphDelta([row('mine', { transactionId: 'cb0123456789abcdefghijklmnopqrstuv' })], options).upserts;
    expect(ours).toMatchObject({ ours: true, busy: [] });
    expect(interpretGraphDelta([row('theirs', { transactionId: 'some-other-app-1' })], options).upserts[0].ours).toBe(false);
  });
});

describe('writing Graph events', () => {
  const event = (over: Partial<OutboundEvent> = {}): OutboundEvent => ({
    key: 'cb0123456789abcdefghijklmnopqrstuv',
    jobId: 'job-1',
    connectionId: 'conn-1',
    title: 'Cut',
    description: 'Status: confirmed',
    location: 'Salon',
    url: null,
    startsAt: new Date('2026-03-30T08:00:00Z'),
    endsAt: new Date('2026-03-30T09:00:00Z'),
    allDay: false,
    timezone: 'Europe/Berlin',
    status: 'confirmed',
    sequence: 1,
    contentHash: 'hash-1',
    ...over,
  });

  it('creates with the key as transactionId and the marker properties; updates carry neither', () => {
    const created = toGraphEvent(event(), true);
    expect(created).toMatchObject({
      subject: 'Cut',
      start: { dateTime: '2026-03-30T08:00:00.000', timeZone: 'UTC' },
      showAs: 'busy',
      transactionId: 'cb0123456789abcdefghijklmnopqrstuv',
      singleValueExtendedProperties: expect.arrayContaining([{ id: GRAPH_MARKER.key, value: 'cb0123456789abcdefghijklmnopqrstuv' }, { id: GRAPH_MARKER.connection, value: 'conn-1' }]),
    });
    const updated = toGraphEvent(event(), false);
    expect(updated).not.toHaveProperty('transactionId');
    expect(updated).not.toHaveProperty('singleValueExtendedProperties');
  });

  it('writes all-day jobs midnight to midnight of the venue dates, tentative and kept-cancelled jobs as such', () => {
    const allDay = toGraphEvent(event({ allDay: true, startsAt: new Date('2026-03-29T22:00:00Z'), endsAt: new Date('2026-03-30T22:00:00Z') }), true);
    expect(allDay).toMatchObject({ isAllDay: true, start: { dateTime: '2026-03-30T00:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-03-31T00:00:00', timeZone: 'UTC' } });
    expect(toGraphEvent(event({ status: 'tentative' }), false).showAs).toBe('tentative');
    expect(toGraphEvent(event({ status: 'cancelled' }), false)).toMatchObject({ showAs: 'free', subject: 'Cancelled: Cut' });
  });

  it('tells the event it sent from another one returned for the same transactionId', () => {
    const sent = toGraphEvent(event(), true);
    const echo = row('e', { subject: 'Cut', start: { dateTime: '2026-03-30T08:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-03-30T09:00:00.0000000', timeZone: 'UTC' } });
    expect(echoesEvent(echo, sent)).toBe(true);
    expect(echoesEvent({ ...echo, subject: 'Old title' }, sent)).toBe(false);
    expect(echoesEvent({ ...echo, start: { dateTime: '2026-03-30T07:00:00.0000000', timeZone: 'UTC' } }, sent)).toBe(false);
  });
});

describe('Teams meetings', () => {
  it('reads the join link, and tells when a calendar does not offer Teams', () => {
    const joinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0';
    expect(graphMeetingOf({ id: 'e', isOnlineMeeting: true, onlineMeeting: { joinUrl } })).toEqual({ status: 'created', url: joinUrl });
    expect(graphMeetingOf({ id: 'e', isOnlineMeeting: false, onlineMeeting: null })).toMatchObject({ status: 'unavailable' });
    expect(teamsUnavailableReason(undefined)).toBeNull(); // unknown: ask, and read the answer
    expect(teamsUnavailableReason(['teamsForBusiness', 'skypeForBusiness'])).toBeNull();
    expect(teamsUnavailableReason(['skypeForConsumer'])).toMatch(/does not offer Teams meetings \(allowedOnlineMeetingProviders: skypeForConsumer\)/);
  });
});

