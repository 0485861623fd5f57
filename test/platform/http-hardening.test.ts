import { WEB_UI_CSP } from '@calbridge/web-ui';
import { connect } from 'node:net';
import { TestSystem } from '../support/test-system';

/** Sends raw bytes, then waits (bounded) for the server to answer and close; returns what it sent back. */
function rawExchange(baseUrl: string, head: string, body: string, timeoutMs: number): Promise<{ text: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms: ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedAfterMs: Date.now() - started });
    });
  });
}

describe('HTTP hardening', () => {
  describe('by default', () => {
    let system: TestSystem;
    beforeAll(async () => {
      system = await TestSystem.start({ listen: true, env: { HTTP_BODY_TIMEOUT_MS: '300' } });
    });
    afterAll(() => system?.stop());

    it('sends nosniff, no-referrer and frame-ancestors none on API answers, errors and /docs', async () => {
      for (const res of [
        await system.http(system.adminToken()).get('/v1/venues'),
        await system.http().get('/v1/venues'),
        await system.http().get('/nothing-here'),
        await system.http().get('/docs').redirects(1),
        await system.http().get('/health'),
      ]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['strict-transport-security']).toBeUndefined(); // plain http
      }
    });

    it('leaves the web app its own Content-Security-Policy', async () => {
      const page = (await system.http().get('/app/').expect(200)).text;
      const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? '/app/assets/missing.js';
      for (const path of ['/app', '/app/', script]) {
        const res = await system.http().get(path).expect(200);
        expect(res.headers['content-security-policy']).toBe(WEB_UI_CSP);
        expect(res.headers['x-frame-options']).toBeUndefined();
      }
    });

    it('adds HSTS when the request came through https (a trusted proxy says so)', async () => {
      const res = await system.http().get('/health').set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    });

    it('keeps /metrics closed unless it is made public or given a token', async () => {
      const res = await system.http().get('/metrics').expect(404);
      expect(res.body.code).toBe('METRICS_DISABLED');
    });

    it('cuts off a request body that does not arrive in time with 408', async () => {
      const head = `POST /v1/venues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
      const answer = await rawExchange(system.baseUrl!, head, '{"name":', 10_000);
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.text).toContain('"code":"REQUEST_TIMEOUT"');
      expect((await system.dataSource.query('SELECT count(*)::int AS n FROM venues'))[0].n).toBe(0);
    });

    it('still reads a body that arrives in time', async () => {
      await system.http(system.adminToken()).post('/v1/venues', { name: 'On time', timezone: 'Europe/Berlin' }).expect(201);
    });
  });

  it('serves /metrics with a bearer token when METRICS_TOKEN is set, and publicly with METRICS_PUBLIC', async () => {
    const token = 'metrics-scrape-token-0123456789';
    const withToken = await TestSystem.start({ env: { METRICS_TOKEN: token } });
    try {
      expect((await withToken.http().get('/metrics').expect(401)).body.code).toBe('METRICS_TOKEN_REQUIRED');
      await withToken.http('wrong-token-wrong-token-wrong').get('/metrics').expect(401);
      await withToken.http(withToken.adminToken()).get('/metrics').expect(401);
      const ok = await withToken.http(token).get('/metrics').expect(200);
      expect(ok.text).toContain('calbridge_http_request_duration_seconds');
    } finally {
      await withToken.stop();
    }
    const open = await TestSystem.start({ env: { METRICS_PUBLIC: 'true' } });
    try {
      await open.http().get('/metrics').expect(200);
    } finally {
      await open.stop();
    }
  });
});
