import { getQueueToken } from '@nestjs/bullmq';
import { ModulesContainer } from '@nestjs/core';
import { TestSystem } from '../support/test-system';

describe('/admin/queues (bull-board)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(() => system?.stop());

  /** Names of every queue registered anywhere in the api (BullModule.registerQueue in any lib). */
  function registeredQueues(): string[] {
    const names = new Set<string>();
    const prefix = getQueueToken('x').slice(0, -1);
    for (const module of system.api!.get(ModulesContainer).values()) {
      for (const token of module.providers.keys()) {
        if (typeof token === 'string' && token.startsWith(prefix) && !token.endsWith('_CONFIG')) names.add(token.slice(prefix.length));
      }
    }
    return [...names].sort();
  }

  it('is for admins only', async () => {
    expect((await system.http().get('/admin/queues').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await system.http('not-a-token').get('/admin/queues/api/queues').expect(401);
    const venue = await system.factory.venue();
    await system.http(system.dispatcherToken(venue.id)).get('/admin/queues').expect(403);
  });

  it('shows every queue the process knows, found rather than listed', async () => {
    const page = await system.http(system.adminToken()).get('/admin/queues').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await system.http(system.adminToken()).get('/admin/queues/api/queues').expect(200);
    const shown = (api.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(shown).toEqual(registeredQueues());
    expect(shown).toEqual(expect.arrayContaining(['calendar-sync-pull', 'calendar-sync-push']));
  });

  it('takes the token once from the address, keeps it in an HttpOnly cookie for this path only', async () => {
    const res = await system.http().get(`/admin/queues?token=${system.adminToken()}`).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    await system.http().get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]).expect(200);
    // The cookie is no credential for the API.
    await system.http().get('/v1/venues').set('Cookie', cookie.split(';')[0]).expect(401);
  });
});
