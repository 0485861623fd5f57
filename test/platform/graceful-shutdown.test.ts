import { DEV_SECRETS, mintToken } from '@calbridge/core';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { Client } from 'pg';
import { startProcess } from '../support/app-process';
import { freePort } from '../support/free-port';
import { createTestDatabase } from '../support/test-database';
import { testRedisUrl } from '../support/test-env';
import { waitFor } from '../support/wait';

/** Writes the head and the first part of a request and keeps the socket; returns a function finishing it and reading the answer. */
function startRequest(port: number, head: string, first: string): Promise<{ finish: (rest: string) => Promise<string>; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head + first);
      resolve({
        socket,
        finish: (rest) =>
          new Promise((done) => {
            let answer = '';
            socket.on('data', (c: Buffer) => (answer += c.toString()));
            socket.on('close', () => done(answer));
            socket.on('end', () => done(answer));
            socket.write(rest);
          }),
      });
    });
    socket.on('error', reject);
  });
}

describe('graceful shutdown (SIGTERM to a real process)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await pg?.end();
    await db?.drop();
  });

  it('the api finishes the requests it is serving, then exits 0, losing nothing', async () => {
    const port = await freePort();
    const api = startProcess('api', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `cbtest-shutdown-${randomBytes(3).toString('hex')}`,
      PORT: String(port),
      HTTP_BODY_TIMEOUT_MS: '60000',
    });
    children.push(api.child);
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        expect(res.status).toBeGreaterThan(0);
      },
      { timeoutMs: 180_000, intervalMs: 200, what: 'the api to listen' },
    );

    const token = mintToken(DEV_SECRETS.AUTH_JWT_SECRET, { role: 'admin', sub: 'shutdown-test' });
    const body = JSON.stringify({ name: 'Created during shutdown', timezone: 'Europe/Berlin' });
    const head =
      `POST /v1/venues HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    // A request in flight (half its body sent) when SIGTERM arrives...
    const inFlight = await startRequest(port, head, body.slice(0, 10));
    await waitFor(async () => expect((await pg.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'calbridge'`)).rows[0].n).toBeGreaterThan(0), { what: 'the api connected to Postgres' });
    api.child.kill('SIGTERM');
    // ...is still answered, and what it wrote is there.
    const answer = await inFlight.finish(body.slice(10));
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect((await pg.query(`SELECT count(*)::int AS n FROM venues WHERE name = 'Created during shutdown'`)).rows[0].n).toBe(1);
    // Then it exits by itself: cleanly, or by the SIGTERM it re-raises once everything is closed.
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      api.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000))),
    ]);
    clearTimeout(timer);
    expect(exit === 'timeout' ? `still running: ${api.output().slice(-800)}` : exit).toEqual(
      expect.objectContaining(exit !== 'timeout' && exit.signal ? { signal: 'SIGTERM' } : { code: 0 }),
    );
    // New connections are refused once it is gone.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 300_000);
});
