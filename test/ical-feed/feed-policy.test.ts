import { FEED_NOT_FOUND_BODY, FeedRequestHandler } from '@calbridge/ical-feed/testing';
import { randomUUID } from 'node:crypto';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { captureLogs } from './support/capture-logs';
import { eventsOf, feedPath, jobUid, listFeeds, poll, prop } from './support/feeds';
import { assertWellFormed, contentLines, parseWithIcalJs } from './support/parse-calendar';

/**
 * Deployment policy through FEED_* variables, with the feed served through Nest's route
 * (FEED_FAST_PATH=false) instead of ahead of Express.
 */
describe('feed policy and the Nest route', () => {
  let system: TestSystem;
  let logs: ReturnType<typeof captureLogs>;
  let venue: { id: string };
  let staff: { id: string };
  const job: Record<string, { id: string }> = {};
  let path: string;

  beforeAll(async () => {
    logs = captureLogs();
    system = await TestSystem.start({
      listen: true,
      env: {
        LOG_LEVEL: 'info',
        FEED_FAST_PATH: 'false',
        FEED_UTC_ONLY: 'true',
        FEED_CANCELLED_POLICY: 'omit',
        FEED_STATUSES: 'pending,confirmed,cancelled,no_show',
        FEED_WINDOW_PAST_DAYS: '2',
        FEED_WINDOW_FUTURE_DAYS: '10',
        FEED_TOKEN_TTL_DAYS: '20',
        FEED_EXPIRY_WARNING_DAYS: '30',
        FEED_MANAGE_URL: 'https://app.example.com/me/calendar',
        PLATFORM_JOB_URL: 'https://app.example.com/dispatch/jobs/{jobId}',
      },
    });
    venue = await system.factory.venue({ name: 'Brooklyn Field Service', timezone: 'America/New_York' });
    staff = await system.factory.staff({ name: 'Maya Johnson', venueIds: [venue.id] });
    const make = async (name: string, day: number, status: 'pending' | 'confirmed' | 'completed' | 'cancelled' | 'no_show', hour = '09:00') => {
      job[name] = await system.factory.job({
        venueId: venue.id,
        title: name,
        startsAt: at(day, hour, 'America/New_York'),
        endsAt: at(day, hour.replace(/^\d\d/, (h) => String(Number(h) + 1).padStart(2, '0')), 'America/New_York'),
        status,
      });
      await system.factory.assign(job[name].id, staff.id);
    };
    await make('pending', 1, 'pending');
    await make('confirmed', 2, 'confirmed');
    await make('completed', 3, 'completed');
    await make('cancelled', 4, 'cancelled');
    await make('no-show', 4, 'no_show', '13:00');
    await make('too-far', 15, 'confirmed');
    await make('too-old', -5, 'confirmed');
    path = await feedPath(system, staff.id, venue.id);
  });

  afterAll(async () => {
    await system?.stop();
    logs?.restore();
  });

  it('is served by the Nest controller when the fast path is off', async () => {
    const handle = jest.spyOn(system.get<FeedRequestHandler>(FeedRequestHandler), 'handle');
    const res = await poll(system, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    // Called by FeedController (not standalone, ahead of Express).
    expect(handle).toHaveBeenCalledTimes(1);
    expect(handle.mock.calls[0][3]).toBeUndefined();
    handle.mockRestore();
    expect((await poll(system, path, { 'if-none-match': res.headers.etag })).status).toBe(304);
    expect((await poll(system, path, {}, 'HEAD')).headers['content-length']).toBe(res.headers['content-length']);
    const bad = await poll(system, `/calendar/${randomUUID()}/${'A'.repeat(71)}.ics`);
    expect(bad.status).toBe(404);
    expect(bad.text).toBe(FEED_NOT_FOUND_BODY);
    expect(bad.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('shows the configured statuses only, inside the configured window', async () => {
    const events = eventsOf((await poll(system, path)).text);
    expect(events.has(jobUid(job.pending.id))).toBe(true);
    expect(prop(events.get(jobUid(job.pending.id)), 'STATUS')).toBe('TENTATIVE');
    expect(events.has(jobUid(job.confirmed.id))).toBe(true);
    expect(events.has(jobUid(job.completed.id))).toBe(false); // not in FEED_STATUSES
    expect(events.has(jobUid(job.cancelled.id))).toBe(false); // FEED_CANCELLED_POLICY=omit
    expect(events.has(jobUid(job['no-show'].id))).toBe(false);
    expect(events.has(jobUid(job['too-far'].id))).toBe(false);
    expect(events.has(jobUid(job['too-old'].id))).toBe(false);
    expect(prop(events.get(jobUid(job.confirmed.id)), 'URL;VALUE=URI')).toBe(`https://app.example.com/dispatch/jobs/${job.confirmed.id}`);
  });

  it('writes UTC times without VTIMEZONE in UTC-only mode', async () => {
    const text = (await poll(system, path)).text;
    assertWellFormed(text);
    expect(text).not.toContain('BEGIN:VTIMEZONE');
    const starts = contentLines(text).filter((l) => l.startsWith('DTSTART') && !l.includes('VALUE=DATE'));
    expect(starts.length).toBeGreaterThan(0);
    for (const line of starts) expect(line).toMatch(/^DTSTART:\d{8}T\d{6}Z$/);
    const { events } = parseWithIcalJs(text);
    const confirmed = events.find((e) => e.uid === jobUid(job.confirmed.id))!;
    expect(confirmed.start.toISOString()).toBe(new Date(at(2, '09:00', 'America/New_York')).toISOString());
  });

  it('uses the configured link lifetime and warning period, pointing to FEED_MANAGE_URL', async () => {
    const [feed] = await listFeeds(system, staff.id);
    const days = (Date.parse(feed.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(19);
    expect(days).toBeLessThanOrEqual(20);
    expect(feed.status).toBe('expiring');
    const text = (await poll(system, path)).text;
    const notice = eventsOf(text).get(`feed-expiry-${staff.id}-${venue.id}@calbridge`);
    expect(prop(notice, 'SUMMARY')).toMatch(/expires in (19|20) days/);
    expect(prop(notice, 'DESCRIPTION')).toContain('Generate a new link at https://app.example.com/me/calendar');
    expect(prop(notice, 'DTSTART;VALUE=DATE')).toBe(new Date().toLocaleDateString('sv-SE', { timeZone: 'America/New_York' }).replace(/-/g, ''));
  });

  it('logs the request through Express with the token redacted', async () => {
    await poll(system, path);
    const written = logs.text();
    expect(written).toContain(`"url":"/calendar/${staff.id}/[redacted].ics"`);
    expect(written).not.toContain(path.split('/')[3].replace('.ics', ''));
  });
});
