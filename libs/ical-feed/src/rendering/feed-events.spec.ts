import { randomUUID } from 'node:crypto';
import {
  calendarDescription,
  calendarName,
  daysUntilExpiry,
  eventCacheKey,
  expiryNotice,
  FeedEventContext,
  feedWindow,
  icalStatusOf,
  jobEvent,
  visibleStatuses,
} from './feed-events';
import type { FeedJobRow } from './feed-jobs.repository';

const ctx = (over: Partial<FeedEventContext> = {}): FeedEventContext => ({
  zone: 'Europe/Berlin',
  includeClientNames: false,
  policy: { utcOnly: false, jobUrlTemplate: 'https://app.example.com/jobs/{jobId}' },
  ...over,
});

const job = (over: Partial<FeedJobRow> = {}): FeedJobRow => ({
  id: randomUUID(),
  version: 3,
  title: 'Wedding prep',
  service: 'Balayage',
  location: 'Oranienstraße 1, Berlin',
  remoteUrl: null,
  remoteDetails: null,
  startsAt: new Date('2026-03-29T08:00:00Z'),
  endsAt: new Date('2026-03-29T09:30:00Z'),
  allDay: false,
  status: 'confirmed',
  createdAt: new Date('2026-03-01T09:00:00Z'),
  updatedAt: new Date('2026-03-20T16:45:00Z'),
  clientFirstName: 'Sarah',
  clientLastInitial: 'J',
  teamJson: JSON.stringify([
    { name: 'Anna Becker', role: 'lead' },
    { name: 'Jonas Weber', role: 'team' },
  ]),
  ...over,
});

describe('status mapping and visibility', () => {
  it('maps pending/contingent to TENTATIVE, cancelled/no_show to CANCELLED, the rest to CONFIRMED', () => {
    expect(icalStatusOf('pending')).toBe('TENTATIVE');
    expect(icalStatusOf('contingent')).toBe('TENTATIVE');
    expect(icalStatusOf('cancelled')).toBe('CANCELLED');
    expect(icalStatusOf('no_show')).toBe('CANCELLED');
    for (const s of ['confirmed', 'seeking_replacement', 'arrived', 'completed'] as const) expect(icalStatusOf(s)).toBe('CONFIRMED');
  });

  it('omits cancelled and no-show jobs when the policy says so', () => {
    const all = ['pending', 'confirmed', 'cancelled', 'no_show'] as const;
    expect(visibleStatuses({ statuses: [...all], cancelled: 'mark' })).toEqual([...all]);
    expect(visibleStatuses({ statuses: [...all], cancelled: 'omit' })).toEqual(['pending', 'confirmed']);
  });
});

describe('jobEvent', () => {
  it('reads like a calendar entry: service and title, status, team, link and last update', () => {
    const j = job();
    const e = jobEvent(j, ctx());
    expect(e.uid).toBe(`job-${j.id}@calbridge`);
    expect(e.sequence).toBe(2);
    expect(e.summary).toBe('Balayage – Wedding prep');
    expect(e.status).toBe('CONFIRMED');
    expect(e.busy).toBe(true);
    expect(e.location).toBe('Oranienstraße 1, Berlin');
    expect(e.url).toBe(`https://app.example.com/jobs/${j.id}`);
    expect(e.description).toContain('Team: Anna Becker (lead), Jonas Weber');
    expect(e.description).toContain(`Open the job: https://app.example.com/jobs/${j.id}`);
    expect(e.description).toContain('Last updated: 2026-03-20 17:45 (Europe/Berlin)');
    expect(e.zone).toBe('Europe/Berlin');
    expect(e.allDay).toBe(false);
  });

  it('shows the client only when the staff member opted in, and only as "First L."', () => {
    const j = job({ clientFirstName: 'Sarah', clientLastInitial: 'J' });
    const off = jobEvent(j, ctx());
    expect(`${off.summary}\n${off.description}`).not.toContain('Sarah');
    const on = jobEvent(j, ctx({ includeClientNames: true }));
    expect(on.summary).toBe('Balayage – Wedding prep (Sarah J.)');
    expect(on.description).toContain('Client: Sarah J.');
  });

  it('uses the title alone when there is no (distinct) service, and marks cancelled jobs', () => {
    expect(jobEvent(job({ service: null }), ctx()).summary).toBe('Wedding prep');
    expect(jobEvent(job({ service: 'wedding prep' }), ctx()).summary).toBe('Wedding prep');
    const cancelled = jobEvent(job({ status: 'cancelled', service: null }), ctx());
    expect(cancelled.summary).toBe('Cancelled: Wedding prep');
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.busy).toBe(false);
    expect(jobEvent(job({ status: 'no_show', service: null }), ctx()).summary).toBe('No-show: Wedding prep');
    expect(jobEvent(job({ status: 'pending' }), ctx()).status).toBe('TENTATIVE');
  });

  it('carries the remote link and details, and uses the link as location when there is no place', () => {
    const e = jobEvent(job({ location: null, remoteUrl: 'https://meet.example.com/abc', remoteDetails: 'PIN 1234\nDial +49 30 1' }), ctx());
    expect(e.location).toBe('https://meet.example.com/abc');
    expect(e.description).toContain('Join online: https://meet.example.com/abc\nPIN 1234\nDial +49 30 1');
  });

  it('keeps control characters and line breaks out of one-line fields', () => {
    const e = jobEvent(job({ title: 'A\r\nBEGIN:VEVENT\u0000', service: null }), ctx());
    expect(e.summary).toBe('A BEGIN:VEVENT');
  });
});

describe('eventCacheKey', () => {
  it('changes with the version, the client-name setting, UTC mode, the zone and the team', () => {
    const j = job();
    const base = eventCacheKey(j, ctx());
    expect(eventCacheKey({ ...j }, ctx())).toBe(base);
    expect(eventCacheKey({ ...j, version: 4 }, ctx())).not.toBe(base);
    expect(eventCacheKey(j, ctx({ includeClientNames: true }))).not.toBe(base);
    expect(eventCacheKey(j, ctx({ policy: { utcOnly: true, jobUrlTemplate: 'x{jobId}' } }))).not.toBe(base);
    expect(eventCacheKey(j, ctx({ zone: 'America/New_York' }))).not.toBe(base);
    expect(eventCacheKey({ ...j, teamJson: '[{"name":"Anna B","role":"lead"}]' }, ctx())).not.toBe(base);
  });
});

describe('window, names and the expiry warning', () => {
  it('spans past and future days around the day in the venue zone', () => {
    const { from, to } = feedWindow('2026-03-29', 'Europe/Berlin', { pastDays: 30, futureDays: 365 });
    expect(from.toISOString()).toBe('2026-02-26T23:00:00.000Z');
    expect(to.toISOString()).toBe('2027-03-29T22:00:00.000Z');
  });

  it('names the calendar "Venue — Staff"', () => {
    expect(calendarName(' Kreuzberg Hair Studio ', 'Anna\nBecker')).toBe('Kreuzberg Hair Studio — Anna Becker');
  });

  const state = (expiresAt: string, day: string, manageUrl: string | null = null) => ({
    expiresAt: new Date(expiresAt),
    day,
    zone: 'Europe/Berlin',
    warningDays: 14,
    manageUrl,
  });

  it('warns during the last 14 days only, with an all-day event on the current day', () => {
    expect(daysUntilExpiry(state('2026-06-30T10:00:00Z', '2026-06-15'))).toBeNull();
    expect(daysUntilExpiry(state('2026-06-30T10:00:00Z', '2026-06-16'))).toBe(14);
    expect(daysUntilExpiry(state('2026-06-30T10:00:00Z', '2026-06-30'))).toBe(0);
    expect(expiryNotice('s', 'v', state('2026-06-30T10:00:00Z', '2026-06-15'))).toBeNull();
    const notice = expiryNotice('s', 'v', state('2026-06-30T10:00:00Z', '2026-06-20', 'https://app.example.com/settings/calendar'))!;
    expect(notice.allDay).toBe(true);
    expect(notice.start.toISOString()).toBe('2026-06-19T22:00:00.000Z');
    expect(notice.end.toISOString()).toBe('2026-06-20T22:00:00.000Z');
    expect(notice.summary).toContain('in 10 days');
    expect(notice.description).toContain('Generate a new link at https://app.example.com/settings/calendar');
    expect(notice.busy).toBe(false);
    expect(calendarDescription('V', 'S', state('2026-06-30T10:00:00Z', '2026-06-20'))).toMatch(/expires on 2026-06-30 12:00.*Generate a new link/);
    expect(calendarDescription('V', 'S', state('2026-06-30T10:00:00Z', '2026-05-01'))).not.toMatch(/expires/);
  });
});
