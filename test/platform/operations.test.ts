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
