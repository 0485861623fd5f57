import { randomUUID } from 'node:crypto';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { feedPath, listFeeds, poll } from './support/feeds';

describe('feed management (API.md "iCal feed")', () => {
  let system: TestSystem;
  let berlin: { id: string };
  let brooklyn: { id: string };
  let leo: { id: string };
  let anna: { id: string };

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true, env: { PUBLIC_BASE_URL: 'https://cal.example.com/' } });
    berlin = await system.factory.venue({ name: 'Kreuzberg Hair Studio', timezone: 'Europe/Berlin' });
    brooklyn = await system.factory.venue({ name: 'Brooklyn Field Service', timezone: 'America/New_York' });
    leo = await system.factory.staff({ name: 'Leo Martinez', venueIds: [berlin.id, brooklyn.id] });
    anna = await system.factory.staff({ name: 'Anna Becker', venueIds: [berlin.id] });
  });

  afterAll(() => system?.stop());

  it('lists one feed per venue of the staff member, with a signed URL under PUBLIC_BASE_URL', async () => {
    const feeds = await listFeeds(system, leo.id);
    expect(feeds.map((f) => f.venueId).sort()).toEqual([berlin.id, brooklyn.id].sort());
    for (const feed of feeds) {
      expect(feed).toMatchObject({ includeClientNames: false, status: 'active' });
      expect(feed.url).toMatch(new RegExp(`^https://cal\\.example\\.com/calendar/${leo.id}/[A-Za-z0-9_-]{71}\\.ics$`));
      expect(feed.webcalUrl).toBe(feed.url.replace(/^https:/, 'webcal:'));
      expect(Date.parse(feed.createdAt)).not.toBeNaN();
      // Six months by default (FEED_TOKEN_TTL_DAYS=183).
      const days = (Date.parse(feed.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(182);
      expect(days).toBeLessThanOrEqual(183);
    }
    expect(new Set(feeds.map((f) => f.url)).size).toBe(2);
    // Listing again gives the same URLs (the feed exists once; the URL is derived from it).
    expect((await listFeeds(system, leo.id)).map((f) => f.url).sort()).toEqual(feeds.map((f) => f.url).sort());
  });

  it('lets admins list anyone\'s feeds, the same URLs the staff member sees', async () => {
    const own = await listFeeds(system, anna.id);
    const res = await system.http(system.adminToken()).get(`/v1/staff/${anna.id}/feeds`).expect(200);
    expect(res.body).toEqual(own);
  });

  it('keeps feeds from dispatchers and other staff', async () => {
    const dispatcher = system.http(system.dispatcherToken(berlin.id));
    for (const res of [
      await dispatcher.get(`/v1/staff/${anna.id}/feeds`),
      await dispatcher.post(`/v1/staff/${anna.id}/feeds/${berlin.id}/regenerate`),
      await dispatcher.patch(`/v1/staff/${anna.id}/feeds/${berlin.id}`, { includeClientNames: true }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FEED_OWNER_ONLY');
    }
    const other = system.http(system.staffToken(leo.id));
    const res = await other.get(`/v1/staff/${anna.id}/feeds`).expect(403);
    expect(res.body.code).toBe('STAFF_OUT_OF_SCOPE');
    await other.post(`/v1/staff/${anna.id}/feeds/${berlin.id}/regenerate`).expect(403);
    await system.http().get(`/v1/staff/${anna.id}/feeds`).expect(401);
  });

  it('answers 404 for unknown staff and venues the staff member does not belong to, 400 for bad ids', async () => {
    const admin = system.http(system.adminToken());
    expect((await admin.get(`/v1/staff/${randomUUID()}/feeds`).expect(404)).body.code).toBe('STAFF_NOT_FOUND');
    expect((await admin.get('/v1/staff/not-a-uuid/feeds').expect(400)).body.code).toBe('INVALID_ID');
    const res = await system.http(system.staffToken(anna.id)).post(`/v1/staff/${anna.id}/feeds/${brooklyn.id}/regenerate`).expect(404);
    expect(res.body.code).toBe('FEED_NOT_FOUND');
    await system.http(system.staffToken(anna.id)).patch(`/v1/staff/${anna.id}/feeds/${brooklyn.id}`, { includeClientNames: true }).expect(404);
  });

  it('regenerate gives a new URL and kills every earlier URL of that feed at once', async () => {
    const http = system.http(system.staffToken(leo.id));
    const before = await listFeeds(system, leo.id);
    const oldBerlin = new URL(before.find((f) => f.venueId === berlin.id)!.url).pathname;
    const brooklynPath = new URL(before.find((f) => f.venueId === brooklyn.id)!.url).pathname;
    expect((await poll(system, oldBerlin)).status).toBe(200);

    const res = await http.post(`/v1/staff/${leo.id}/feeds/${berlin.id}/regenerate`).expect(200);
    expect(res.body.venueId).toBe(berlin.id);
    expect(res.body.url).not.toBe(before.find((f) => f.venueId === berlin.id)!.url);
    expect(res.body.rotatedAt).not.toBeNull();
    expect((await poll(system, oldBerlin)).status).toBe(404);
    expect((await poll(system, new URL(res.body.url).pathname)).status).toBe(200);
    // The other venue's feed is untouched.
    expect((await poll(system, brooklynPath)).status).toBe(200);
    expect((await listFeeds(system, leo.id)).find((f) => f.venueId === berlin.id)!.url).toBe(res.body.url);

    // Admins may regenerate too; the audit trail records who, never the URL.
    const again = await system.http(system.adminToken()).post(`/v1/staff/${leo.id}/feeds/${berlin.id}/regenerate`).expect(200);
    expect((await poll(system, new URL(res.body.url).pathname)).status).toBe(404);
    const audit = await system.dataSource.query(
      `SELECT actor_role, action, before, after FROM audit_log WHERE entity_type = 'staff_feed' AND staff_id = $1 ORDER BY id`,
      [leo.id],
    );
    expect(audit.map((a: { actor_role: string; action: string }) => `${a.actor_role}:${a.action}`)).toEqual(['staff:feed.regenerated', 'admin:feed.regenerated']);
    const token = new URL(again.body.url).pathname.split('/')[3].replace('.ics', '');
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('turns client names on and off without changing the URL', async () => {
    const http = system.http(system.staffToken(anna.id));
    const path = await feedPath(system, anna.id, berlin.id);
    const on = await http.patch(`/v1/staff/${anna.id}/feeds/${berlin.id}`, { includeClientNames: true }).expect(200);
    expect(on.body).toMatchObject({ venueId: berlin.id, includeClientNames: true });
    expect(new URL(on.body.url).pathname).toBe(path);
    const off = await http.patch(`/v1/staff/${anna.id}/feeds/${berlin.id}`, { includeClientNames: false }).expect(200);
    expect(off.body.includeClientNames).toBe(false);
    for (const body of [{}, { includeClientNames: 'yes' }, { includeClientNames: true, url: 'x' }]) {
      const res = await http.patch(`/v1/staff/${anna.id}/feeds/${berlin.id}`, body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('drops the feed of a venue the staff member leaves (its URL answers 404)', async () => {
    const sam = await system.factory.staff({ venueIds: [berlin.id, brooklyn.id] });
    const job = await system.factory.job({ venueId: brooklyn.id, startsAt: at(2, '09:00', 'America/New_York'), endsAt: at(2, '10:00', 'America/New_York') });
    await system.factory.assign(job.id, sam.id);
    const brooklynPath = await feedPath(system, sam.id, brooklyn.id);
    expect((await poll(system, brooklynPath)).status).toBe(200);
    await system.http(system.adminToken()).delete(`/v1/jobs/${job.id}/assignments/${sam.id}`).expect(204);
    await system.http(system.adminToken()).patch(`/v1/staff/${sam.id}`, { venueIds: [berlin.id] }).expect(200);
    expect((await poll(system, brooklynPath)).status).toBe(404);
    expect((await listFeeds(system, sam.id)).map((f) => f.venueId)).toEqual([berlin.id]);
  });
});
