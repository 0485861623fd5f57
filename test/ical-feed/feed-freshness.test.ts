import { RedisService } from '@calbridge/core';
import { FeedCache, FeedHeadsConnection, FeedHeadsListener, FeedRenderer, FeedsRepository } from '@calbridge/ical-feed/testing';
import { waitFor } from '../support/wait';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { eventsOf, feedPath, jobUid, poll, prop } from './support/feeds';

/**
 * Rendered feeds are cached; every change that shows in a feed must show on the very next poll
 * (the versions the cache is keyed by change in the same transaction as the data, and the api
 * hears of them through LISTEN/NOTIFY at commit), and a poll with nothing changed must cost a
 * signature check and memory lookups: no query at all.
 */
describe('feed caching and freshness', () => {
  let system: TestSystem;
  let admin: ReturnType<TestSystem['http']>;
  let venue: { id: string };
  let anna: { id: string };
  let jonas: { id: string };
  let customer: { id: string };
  let jobs: Array<{ id: string }>;
  let path: string;
  let etag: string;

  const renders = () => jest.spyOn(system.get<FeedRenderer>(FeedRenderer), 'render');

  /** Polls with the last ETag; returns the calendar when it changed (200), null on 304. */
  async function next(): Promise<string | null> {
    const res = await poll(system, path, { 'if-none-match': etag });
    if (res.status === 304) return null;
    expect(res.status).toBe(200);
    etag = res.headers.etag;
    return res.text;
  }

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true });
    admin = system.http(system.adminToken());
    venue = await system.factory.venue({ name: 'Kreuzberg Hair Studio', timezone: 'Europe/Berlin' });
    anna = await system.factory.staff({ name: 'Anna Becker', venueIds: [venue.id] });
    jonas = await system.factory.staff({ name: 'Jonas Weber', venueIds: [venue.id] });
    customer = await system.factory.customer({ firstName: 'Sarah', lastName: 'Johnson' });
    jobs = [];
    for (let day = 1; day <= 3; day++) {
      const job = await system.factory.job({
        venueId: venue.id,
        title: `Appointment ${day}`,
        customerId: customer.id,
        startsAt: at(day, '10:00', 'Europe/Berlin'),
        endsAt: at(day, '11:00', 'Europe/Berlin'),
        status: 'confirmed',
      });
      await system.factory.assign(job.id, anna.id, { role: 'lead' });
      jobs.push(job);
    }
    await system.factory.assign(jobs[0].id, jonas.id);
    path = await feedPath(system, anna.id, venue.id);
    const first = await poll(system, path);
    etag = first.headers.etag;
  });

  afterAll(() => system?.stop());

  it('answers an unchanged poll from memory: no query, no render, no Redis', async () => {
    // The feed's head is in memory once it was read and the notifications are proven current.
    await poll(system, path);
    await waitFor(() => expect(system.get<FeedHeadsListener>(FeedHeadsListener).fresh()).toBe(true), { what: 'feed head notifications' });
    const render = renders();
    const heads = jest.spyOn(system.get<FeedsRepository>(FeedsRepository), 'heads');
    const pool = (system.dataSource.driver as unknown as { master: { query: (...a: unknown[]) => unknown } }).master;
    const poolQuery = jest.spyOn(pool, 'query');
    const lookups = jest.spyOn(system.get<FeedHeadsConnection>(FeedHeadsConnection), 'query');
    const dataSourceQuery = jest.spyOn(system.dataSource, 'query');
    const redis = jest.spyOn(system.get<RedisService>(RedisService).client, 'multi');
    try {
      expect(await next()).toBeNull();
      expect((await poll(system, path)).status).toBe(200); // unconditional: same bytes from the cache
      expect(render).not.toHaveBeenCalled();
      expect(heads).not.toHaveBeenCalled();
      expect(lookups).not.toHaveBeenCalled();
      expect(poolQuery).not.toHaveBeenCalled();
      expect(dataSourceQuery).not.toHaveBeenCalled();
      expect(redis).not.toHaveBeenCalled();
    } finally {
      for (const spy of [render, heads, lookups, poolQuery, dataSourceQuery, redis]) spy.mockRestore();
    }
  });

  it('answers 304 without rendering when the rendering left the cache, and renders again once something changed', async () => {
    const cache = system.get<FeedCache>(FeedCache);
    etag = (await poll(system, path)).headers.etag;
    const gzipEtag = (await poll(system, path, { 'accept-encoding': 'gzip' })).headers.etag;
    cache.feeds.clear();
    const render = renders();
    try {
      const plain = await poll(system, path, { 'if-none-match': etag });
      expect(plain.status).toBe(304);
      expect(plain.headers.etag).toBe(etag);
      expect(plain.headers['last-modified']).toBeDefined();
      const zipped = await poll(system, path, { 'accept-encoding': 'gzip', 'if-none-match': gzipEtag });
      expect(zipped.status).toBe(304);
      expect(zipped.headers.etag).toBe(gzipEtag);
      expect((await poll(system, path, { 'if-none-match': '"something-else"' })).status).toBe(200); // this one renders
      expect(render).toHaveBeenCalledTimes(1);
      cache.feeds.clear();
      await admin.patch(`/v1/jobs/${jobs[1].id}`, { title: 'Appointment 2 (moved room)' }).expect(200);
      expect(await next()).toContain('Appointment 2 (moved room)');
      expect(render).toHaveBeenCalledTimes(2);
    } finally {
      render.mockRestore();
    }
  });

  it('shows a reschedule on the next poll, re-rendering only that job, with the same UID and a higher SEQUENCE', async () => {
    const before = eventsOf((await poll(system, path)).text).get(jobUid(jobs[1].id))!;
    const render = renders();
    try {
      await admin.patch(`/v1/jobs/${jobs[1].id}`, { startsAt: at(2, '14:00', 'Europe/Berlin'), endsAt: at(2, '15:30', 'Europe/Berlin') }).expect(200);
      const text = await next();
      expect(text).not.toBeNull();
      const after = eventsOf(text!).get(jobUid(jobs[1].id))!;
      expect(prop(after, 'DTSTART')).toBe(at(2, '14:00', 'Europe/Berlin').slice(0, 16).replace(/[-:]/g, '') + '00');
      expect(Number(prop(after, 'SEQUENCE'))).toBeGreaterThan(Number(prop(before, 'SEQUENCE')));
      expect(render).toHaveBeenCalledTimes(1);
      expect((await render.mock.results[0].value)!.renderedEvents).toBe(1);
    } finally {
      render.mockRestore();
    }
  });

  it('maps status changes: pending -> TENTATIVE, cancelled -> CANCELLED', async () => {
    await admin.patch(`/v1/jobs/${jobs[2].id}`, { status: 'pending' }).expect(200);
    expect(prop(eventsOf((await next())!).get(jobUid(jobs[2].id)), 'STATUS')).toBe('TENTATIVE');
    await admin.patch(`/v1/jobs/${jobs[2].id}`, { status: 'cancelled' }).expect(200);
    const cancelled = eventsOf((await next())!).get(jobUid(jobs[2].id));
    expect(prop(cancelled, 'STATUS')).toBe('CANCELLED');
    expect(prop(cancelled, 'SUMMARY')).toMatch(/^Cancelled: /);
    expect(prop(cancelled, 'TRANSP')).toBe('TRANSPARENT');
  });

  it('adds an assigned job and removes an unassigned one', async () => {
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(5, '09:00', 'Europe/Berlin'), endsAt: at(5, '10:00', 'Europe/Berlin') });
    await system.factory.assign(job.id, anna.id);
    expect(eventsOf((await next())!).has(jobUid(job.id))).toBe(true);
    await admin.delete(`/v1/jobs/${job.id}/assignments/${anna.id}`).expect(204);
    expect(eventsOf((await next())!).has(jobUid(job.id))).toBe(false);
  });

  it('shows client names ("First L.") only after the staff member turns them on, and follows renames', async () => {
    const hidden = (await poll(system, path)).text;
    expect(hidden).not.toContain('Sarah');
    await system.http(system.staffToken(anna.id)).patch(`/v1/staff/${anna.id}/feeds/${venue.id}`, { includeClientNames: true }).expect(200);
    const shown = (await next())!;
    expect(prop(eventsOf(shown).get(jobUid(jobs[0].id)), 'SUMMARY')).toBe('Appointment 1 (Sarah J.)');
    expect(shown).not.toContain('Johnson');
    await admin.patch(`/v1/customers/${customer.id}`, { lastName: 'Miller' }).expect(200);
    expect(prop(eventsOf((await next())!).get(jobUid(jobs[0].id)), 'SUMMARY')).toBe('Appointment 1 (Sarah M.)');
    await system.http(system.staffToken(anna.id)).patch(`/v1/staff/${anna.id}/feeds/${venue.id}`, { includeClientNames: false }).expect(200);
    expect((await next())!).not.toContain('Sarah');
  });

  it('follows renames of the staff member (calendar name) and of co-workers (team line)', async () => {
    await admin.patch(`/v1/staff/${anna.id}`, { name: 'Anna Schmidt' }).expect(200);
    const renamed = (await next())!;
    expect(renamed).toContain('X-WR-CALNAME:Kreuzberg Hair Studio — Anna Schmidt');
    await admin.patch(`/v1/staff/${jonas.id}`, { name: 'Jonas Wagner' }).expect(200);
    const team = eventsOf((await next())!).get(jobUid(jobs[0].id))!;
    expect(prop(team, 'DESCRIPTION')).toContain('Team: Anna Schmidt (lead)\\, Jonas Wagner');
  });

  it('re-assembles without re-rendering when only something outside the feed changed (same bytes, still 304)', async () => {
    const render = renders();
    try {
      await system.factory.blockedSlot(anna.id, { startsAt: at(20, '18:00', 'Europe/Berlin'), endsAt: at(20, '19:00', 'Europe/Berlin') });
      expect(await next()).toBeNull();
      expect(render).toHaveBeenCalledTimes(1);
      expect((await render.mock.results[0].value)!.renderedEvents).toBe(0);
    } finally {
      render.mockRestore();
    }
  });

  it('shows only jobs inside the window (30 days back, 365 ahead by default)', async () => {
    const old = await system.factory.job({ venueId: venue.id, startsAt: at(-40, '10:00', 'Europe/Berlin'), endsAt: at(-40, '11:00', 'Europe/Berlin') });
    const recent = await system.factory.job({ venueId: venue.id, startsAt: at(-20, '10:00', 'Europe/Berlin'), endsAt: at(-20, '11:00', 'Europe/Berlin') });
    const far = await system.factory.job({ venueId: venue.id, startsAt: at(380, '10:00', 'Europe/Berlin'), endsAt: at(380, '11:00', 'Europe/Berlin') });
    for (const job of [old, recent, far]) await system.factory.assign(job.id, anna.id);
    const events = eventsOf((await next())!);
    expect(events.has(jobUid(recent.id))).toBe(true);
    expect(events.has(jobUid(old.id))).toBe(false);
    expect(events.has(jobUid(far.id))).toBe(false);
  });
});
