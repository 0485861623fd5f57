import { sign } from 'jsonwebtoken';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('authentication and scope (API.md "Authentication")', () => {
  let system: TestSystem;
  let venueX: { id: string };
  let venueY: { id: string };
  let staffA: { id: string };
  let staffB: { id: string };
  let jobInY: { id: string };

  beforeAll(async () => {
    system = await TestSystem.start();
    venueX = await system.factory.venue({ name: 'X' });
    venueY = await system.factory.venue({ name: 'Y' });
    staffA = await system.factory.staff({ venueIds: [venueX.id] });
    staffB = await system.factory.staff({ venueIds: [venueX.id] });
    jobInY = await system.factory.job({ venueId: venueY.id });
  });

  afterAll(() => system?.stop());

  describe('401 for missing or unusable tokens', () => {
    it('refuses a request without a token', async () => {
      const res = await system.http().get('/v1/jobs').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });

    it('refuses a token signed with another secret', async () => {
      const forged = sign({ role: 'admin' }, 'not-the-secret-at-all-not-the-secret', { subject: 'x', expiresIn: 60 });
      await system.http(forged).get('/v1/jobs').expect(401);
    });

    it('refuses an expired token', async () => {
      const res = await system.http(system.token({ role: 'admin', ttlSeconds: -10 })).get('/v1/jobs').expect(401);
      expect(res.body.message).toMatch(/expired/);
    });

    it('refuses unsigned ("alg: none") tokens', async () => {
      const none = sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none', subject: 'x' });
      await system.http(none).get('/v1/jobs').expect(401);
    });

    it('refuses tokens with unusable claims', async () => {
      const secretOf = system.env.AUTH_JWT_SECRET ?? 'dev-only-insecure-auth-jwt-secret-change-me';
      const noRole = sign({}, secretOf, { subject: 'x', expiresIn: 60 });
      const staffWithoutUuid = sign({ role: 'staff' }, secretOf, { subject: 'not-a-uuid', expiresIn: 60 });
      const res = await system.http(noRole).get('/v1/jobs').expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      await system.http(staffWithoutUuid).get('/v1/jobs').expect(401);
    });

    it('leaves public routes open', async () => {
      await system.http().get('/docs/openapi.json').expect(200);
    });
  });

  describe('403 for valid tokens outside their scope', () => {
    it('staff A cannot read staff B', async () => {
      const a = system.staffToken(staffA.id);
      await system.http(a).get(`/v1/staff/${staffA.id}`).expect(200);
      const res = await system.http(a).get(`/v1/staff/${staffB.id}`).expect(403);
      expect(res.body.code).toBe('STAFF_OUT_OF_SCOPE');
      await system.http(a).get(`/v1/staff/${staffB.id}/busy?from=${at(0, '00:00')}&to=${at(7, '00:00')}`).expect(403);
      await system.http(a).get(`/v1/staff/${staffB.id}/blocked-slots?from=${at(0, '00:00')}&to=${at(7, '00:00')}`).expect(403);
      await system.http(a).post(`/v1/staff/${staffB.id}/blocked-slots`, { startsAt: at(1, '10:00'), endsAt: at(1, '11:00') }).expect(403);
      await system.http(a).get(`/v1/jobs?staffId=${staffB.id}`).expect(403);
      await system.http(a).get(`/v1/conflicts?staffId=${staffB.id}`).expect(403);
    });

    it('a dispatcher of venue X cannot touch venue Y', async () => {
      const dx = system.dispatcherToken(venueX.id);
      const get = await system.http(dx).get(`/v1/jobs/${jobInY.id}`).expect(403);
      expect(get.body.code).toBe('VENUE_OUT_OF_SCOPE');
      await system.http(dx).patch(`/v1/jobs/${jobInY.id}`, { title: 'hijacked' }).expect(403);
      await system.http(dx).post(`/v1/jobs/${jobInY.id}/assignments`, { staffId: staffA.id }).expect(403);
      await system
        .http(dx)
        .post('/v1/jobs', { venueId: venueY.id, title: 'x', startsAt: at(2, '10:00'), endsAt: at(2, '11:00') })
        .expect(403);
      await system.http(dx).get(`/v1/jobs?venueId=${venueY.id}`).expect(403);
      await system.http(dx).get(`/v1/conflicts?venueId=${venueY.id}`).expect(403);
      await system.http(dx).post('/v1/staff', { name: 'N', email: 'n@example.com', venueIds: [venueY.id] }).expect(403);
      // and the job is untouched
      const admin = system.adminToken();
      const after = await system.http(admin).get(`/v1/jobs/${jobInY.id}`).expect(200);
      expect(after.body.title).not.toBe('hijacked');
    });

    it('a dispatcher sees only their venues in lists', async () => {
      const dx = system.dispatcherToken(venueX.id);
      const jobs = await system.http(dx).get('/v1/jobs').expect(200);
      expect(jobs.body.items.every((j: { venueId: string }) => j.venueId === venueX.id)).toBe(true);
      const venues = await system.http(dx).get('/v1/venues').expect(200);
      expect(venues.body.map((v: { id: string }) => v.id)).toEqual([venueX.id]);
    });

    it('only admins create venues; staff cannot create or change jobs', async () => {
      const dx = system.dispatcherToken(venueX.id);
      await system.http(dx).post('/v1/venues', { name: 'New', timezone: 'Europe/Paris' }).expect(403);
      const a = system.staffToken(staffA.id);
      await system
        .http(a)
        .post('/v1/jobs', { venueId: venueX.id, title: 'x', startsAt: at(2, '10:00'), endsAt: at(2, '11:00') })
        .expect(403);
      await system.http(a).post('/v1/customers', { firstName: 'A', lastName: 'B' }).expect(403);
    });

    it('staff see only jobs assigned to them', async () => {
      const job = await system.factory.job({ venueId: venueX.id, startsAt: at(3, '10:00'), endsAt: at(3, '11:00') });
      await system.factory.assign(job.id, staffA.id);
      await system.http(system.staffToken(staffA.id)).get(`/v1/jobs/${job.id}`).expect(200);
      await system.http(system.staffToken(staffB.id)).get(`/v1/jobs/${job.id}`).expect(403);
      const mine = await system.http(system.staffToken(staffA.id)).get('/v1/jobs').expect(200);
      expect(mine.body.items.map((j: { id: string }) => j.id)).toContain(job.id);
      const theirs = await system.http(system.staffToken(staffB.id)).get('/v1/jobs').expect(200);
      expect(theirs.body.items.map((j: { id: string }) => j.id)).not.toContain(job.id);
    });
  });
});
