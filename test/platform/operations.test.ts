import { KnownQueues } from '@calbridge/core';
import { TestSystem } from '../support/test-system';

describe('operations endpoints', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: true, env: { METRICS_PUBLIC: 'true' } });
  });
  afterAll(() => system?.stop());

  it('GET /health reports Postgres, Redis and the worker heartbeat', async () => {
    const res = await system.http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' }, worker: { status: 'up' } },
    });
  });

  it('GET /health is 503 when no worker has beaten recently', async () => {
    const apiOnly = await TestSystem.start(); // its own queue prefix: no worker heartbeat there
    try {
      const res = await apiOnly.http().get('/health').expect(503);
      expect(res.body.details.worker).toMatchObject({ status: 'down' });
      expect(res.body.details.postgres).toMatchObject({ status: 'up' });
    } finally {
      await apiOnly.stop();
    }
  });

  it('GET /health reports the outbox lag and, per queue, the age of the oldest waiting task', async () => {
    const ok = await system.http().get('/health').expect(200);
    expect(ok.body.info.outbox).toMatchObject({ status: 'up', pending: expect.any(Number), oldestPendingSeconds: expect.any(Number) });
    // Every queue this api knows, found without a list (calendar sync's among them).
    const queues = ok.body.info.queues as Record<string, unknown>;
    expect(Object.keys(queues)).toEqual(expect.arrayContaining(['calendar-sync-push', 'calendar-sync-pull']));
    expect(queues['calendar-sync-push']).toMatchObject({ waiting: expect.any(Number), oldestWaitingSeconds: expect.any(Number) });

    // An api whose relay and workers are not running: an old unrelayed event and an old waiting task.
    const stuck = await TestSystem.start();
    try {
      await stuck.dataSource.query(
        `INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, occurred_at)
         VALUES ('job', gen_random_uuid(), 'job.created', '{}', now() - interval '1 hour')`,
      );
      const queue = stuck.get<KnownQueues>(KnownQueues).all().find((q) => q.name === 'calendar-sync-pull')!;
      await queue.add('probe', {}, { timestamp: Date.now() - 2 * 3600_000 });
      const res = await stuck.http().get('/health').expect(503);
      expect(res.body.details.outbox).toMatchObject({ status: 'down', pending: 1 });
      expect(res.body.details.outbox.oldestPendingSeconds).toBeGreaterThanOrEqual(3600);
      expect(res.body.details.queues).toMatchObject({ status: 'down', 'calendar-sync-pull': { waiting: 1 } });
      expect(res.body.details.queues['calendar-sync-pull'].oldestWaitingSeconds).toBeGreaterThanOrEqual(7200);
      await queue.obliterate({ force: true });
    } finally {
      await stuck.stop();
    }
  });

  it('serves the OpenAPI document at /docs', async () => {
    const html = await system.http().get('/docs').redirects(1).expect(200);
    expect(html.text).toMatch(/swagger/i);
    const doc = await system.http().get('/docs/openapi.json').expect(200);
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      '/v1/venues',
      '/v1/staff',
      '/v1/customers',
      '/v1/jobs',
      '/v1/jobs/{id}',
      '/v1/jobs/{jobId}/assignments',
      '/v1/jobs/{jobId}/assignments/{staffId}',
      '/v1/conflicts',
      '/v1/staff/{staffId}/busy',
      '/v1/staff/{staffId}/blocked-slots',
      '/v1/audit',
      '/health',
    ]) {
      expect(paths).toContain(path);
    }
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('GET /metrics exposes Prometheus metrics with route templates, never raw ids', async () => {
    const { venue } = await system.factory.team(0);
    await system.http(system.adminToken()).get(`/v1/venues/${venue.id}`).expect(200);
    const res = await system.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('calbridge_http_request_duration_seconds_bucket');
    expect(res.text).toContain('route="/v1/venues/:id"');
    expect(res.text).not.toContain(venue.id);
  });
});
