import { Webhook } from 'standardwebhooks';
import { at } from '../support/factory';
import { HttpReceiver, ReceivedRequest } from '../support/http-receiver';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

interface Delivery {
  webhookId: string;
  type: string;
  attempt: number;
  status: string;
  statusCode: number | null;
  responseTimeMs: number;
  messageStatus: string;
}

describe('outbound webhooks (Standard Webhooks, Slack)', () => {
  let system: TestSystem;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    system = await TestSystem.start({
      worker: true,
      env: { OUTBOX_POLL_INTERVAL_MS: '100', WEBHOOK_BACKOFF_BASE_MS: '50', WEBHOOK_BACKOFF_MAX_MS: '400' },
    });
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await system?.stop();
    await receiver?.stop();
  });

  const admin = () => system.http(system.adminToken());

  /** A subscription of its own, on its own path of the receiver, for one venue. */
  async function subscribe(venueId: string, events: string[], format?: string): Promise<{ id: string; secret: string; path: string }> {
    const path = `/hooks/${Math.random().toString(36).slice(2)}`;
    const res = await admin()
      .post('/v1/webhooks', { url: receiver.url + path, events, venueIds: [venueId], ...(format ? { format } : {}) })
      .expect(201);
    return { id: res.body.id, secret: res.body.secret, path };
  }

  const at_ = (path: string) => receiver.requests.filter((r) => r.path === path);
  const parse = (r: ReceivedRequest) => JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> & { job?: { id: string } } };

  it('lets admins, and only admins, manage subscriptions', async () => {
    const venue = await system.factory.venue();
    const created = await admin()
      .post('/v1/webhooks', { url: `${receiver.url}/manage`, events: ['job.created', 'conflict.opened'], venueIds: [venue.id] })
      .expect(201);
    expect(created.body).toMatchObject({ id: expect.any(String), url: `${receiver.url}/manage`, format: 'standard', venueIds: [venue.id] });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    // Stored sealed (AES-256-GCM, key id), never in plain text.
    const [stored] = await system.dataSource.query(`SELECT * FROM webhook_subscriptions WHERE id = $1`, [created.body.id]);
    expect(stored.secret).toBeUndefined();
    expect(stored.secret_sealed).toMatch(/^v1\.[0-9a-f]{16}\./);
    expect(JSON.stringify(stored)).not.toContain(created.body.secret.slice(6, 30));

    const list = await admin().get('/v1/webhooks').expect(200);
    const listed = list.body.find((w: { id: string }) => w.id === created.body.id);
    expect(listed).toMatchObject({ events: ['job.created', 'conflict.opened'] });
    expect(listed.secret).toBeUndefined();

    await system.http(system.dispatcherToken(venue.id)).get('/v1/webhooks').expect(403);
    await system.http(system.dispatcherToken(venue.id)).post('/v1/webhooks', { url: `${receiver.url}/x`, events: ['job.created'] }).expect(403);
    await system.http().get('/v1/webhooks').expect(401);

    const bad = async (body: object, status: number, code: string) => {
      const res = await admin().post('/v1/webhooks', body).expect(status);
      expect(res.body.code).toBe(code);
    };
    await bad({ url: 'ftp://example.com/x', events: ['job.created'] }, 400, 'INVALID_WEBHOOK_URL');
    await bad({ url: 'https://u:p@example.com/x', events: ['job.created'] }, 400, 'INVALID_WEBHOOK_URL');
    await bad({ url: 'https://example.com/x', events: ['job.exploded'] }, 400, 'VALIDATION_FAILED');
    await bad({ url: 'https://example.com/x', events: [] }, 400, 'VALIDATION_FAILED');
    await bad({ url: 'https://example.com/x', events: ['job.created'], format: 'xml' }, 400, 'VALIDATION_FAILED');
    await bad({ url: 'https://example.com/x', events: ['job.created'], venueIds: ['00000000-0000-4000-8000-000000000000'] }, 422, 'VENUE_NOT_FOUND');

    await admin().delete(`/v1/webhooks/${created.body.id}`).expect(204);
    await admin().delete(`/v1/webhooks/${created.body.id}`).expect(404);
    await admin().get(`/v1/webhooks/${created.body.id}/deliveries`).expect(404);
    expect((await admin().get('/v1/webhooks').expect(200)).body.map((w: { id: string }) => w.id)).not.toContain(created.body.id);
  });

  it('signs deliveries as an independent Standard Webhooks implementation verifies them', async () => {
    const venue = await system.factory.venue();
    const sub = await subscribe(venue.id, ['job.created', 'job.updated', 'job.cancelled']);
    const job = await system.factory.job({ venueId: venue.id, title: 'Balayage', startsAt: at(3, '10:00'), endsAt: at(3, '11:00') });
    await admin().patch(`/v1/jobs/${job.id}`, { title: 'Balayage and cut' }).expect(200);
    await admin().patch(`/v1/jobs/${job.id}`, { status: 'cancelled' }).expect(200);

    const got = await waitFor(
      () => {
        const r = at_(sub.path);
        if (r.length < 3) throw new Error(`${r.length} deliveries so far`);
        return r;
      },
      { what: 'three deliveries' },
    );
    const verifier = new Webhook(sub.secret);
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
      expect(verifier.verify(r.body, r.headers)).toEqual(JSON.parse(r.body));
      // Tampering with the body or the secret fails verification.
      expect(() => verifier.verify(r.body.replace('Balayage', 'Balayagf'), r.headers)).toThrow();
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, r.headers)).toThrow();
    }
    expect(got.map((r) => parse(r).type)).toEqual(['job.created', 'job.updated', 'job.cancelled']);
    const created = parse(got[0]);
    expect(created.data.job).toMatchObject({ id: job.id, title: expect.stringMatching(/^Balayage/), venueId: venue.id });
    expect(new Date(created.timestamp).toISOString()).toBe(created.timestamp);
    expect(parse(got[2]).data).toMatchObject({ jobId: job.id, status: 'cancelled', previous: { status: 'pending' } });
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);
  });

  it('retries a receiver answering 500 three times, then 200: each event acknowledged exactly once, same id, in order', async () => {
    const venue = await system.factory.venue();
    const sub = await subscribe(venue.id, ['job.created', 'job.updated']);
    // Every message fails three times before it is accepted.
    const previous = receiver.answer;
    receiver.answer = (req, all) => {
      if (req.path !== sub.path) return previous(req, all);
      const earlier = all.filter((r) => r.path === sub.path && r.headers['webhook-id'] === req.headers['webhook-id']).length;
      return earlier < 3 ? 500 : 200;
    };
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(4, '09:00'), endsAt: at(4, '10:00') });
    for (let i = 1; i <= 3; i++) await admin().patch(`/v1/jobs/${job.id}`, { title: `Version ${i}` }).expect(200);

    const acked = await waitFor(
      () => {
        const ok = at_(sub.path).filter((r) => r.status === 200);
        if (ok.length < 4) throw new Error(`${ok.length} acknowledged so far`);
        return ok;
      },
      { what: 'four acknowledged deliveries' },
    );
    const all = at_(sub.path);
    const ids = [...new Set(all.map((r) => r.headers['webhook-id']))];
    expect(ids).toHaveLength(4);
    for (const id of ids) {
      const tries = all.filter((r) => r.headers['webhook-id'] === id);
      expect(tries.map((r) => r.status)).toEqual([500, 500, 500, 200]);
      // The same body on every try; each try signed afresh.
      expect(new Set(tries.map((r) => r.body)).size).toBe(1);
      for (const t of tries) expect(new Webhook(sub.secret).verify(t.body, t.headers)).toBeTruthy();
    }
    // In order per job: a message is not sent before the one before it was acknowledged.
    // (data.job is the job as it stands when the event is fanned out; data.version is the event's own.)
    expect(acked.map((r) => parse(r).data.version)).toEqual([1, 2, 3, 4]);
    const firstAckOf = (id: string) => all.findIndex((r) => r.headers['webhook-id'] === id && r.status === 200);
    const firstTryOf = (id: string) => all.findIndex((r) => r.headers['webhook-id'] === id);
    for (let i = 1; i < ids.length; i++) expect(firstTryOf(ids[i])).toBeGreaterThan(firstAckOf(ids[i - 1]));

    // Nothing more arrives (no duplicate after the acknowledgement), and the log says what happened.
    const log = await waitFor(
      async () => {
        const res = await admin().get(`/v1/webhooks/${sub.id}/deliveries`).expect(200);
        const items = res.body.items as Delivery[];
        if (items.length !== 16 || items.some((d) => d.messageStatus !== 'delivered')) throw new Error(`${items.length} attempts logged`);
        return items;
      },
      { what: 'the delivery log' },
    );
    expect(at_(sub.path)).toHaveLength(16);
    for (const id of ids) {
      const attempts = log.filter((d) => d.webhookId === id).sort((a, b) => a.attempt - b.attempt);
      expect(attempts.map((d) => [d.attempt, d.status, d.statusCode])).toEqual([
        [1, 'failed', 500],
        [2, 'failed', 500],
        [3, 'failed', 500],
        [4, 'delivered', 200],
      ]);
      for (const d of attempts) expect(d.responseTimeMs).toBeGreaterThanOrEqual(0);
    }
    const page = await admin().get(`/v1/webhooks/${sub.id}/deliveries?limit=5`).expect(200);
    expect(page.body.items).toHaveLength(5);
    const rest = await admin().get(`/v1/webhooks/${sub.id}/deliveries?limit=100&cursor=${page.body.nextCursor}`).expect(200);
    expect(rest.body.items).toHaveLength(11);
    await admin().get(`/v1/webhooks/${sub.id}/deliveries?limit=0`).expect(400);
    receiver.answer = previous;
  });

  it('keeps other jobs moving while one lane waits, and honours the venue and event filters', async () => {
    const venue = await system.factory.venue();
    const other = await system.factory.venue();
    const sub = await subscribe(venue.id, ['job.created']);
    const stuck = await system.factory.job({ venueId: venue.id, title: 'Stuck' });
    const previous = receiver.answer;
    receiver.answer = (req, all) => (req.path === sub.path && req.body.includes('"Stuck"') ? 503 : previous(req, all));
    await waitFor(() => expect(at_(sub.path).filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2));
    await system.factory.job({ venueId: venue.id, title: 'Flowing' });
    await system.factory.job({ venueId: other.id, title: 'Elsewhere' });
    const slot = await system.factory.team(1);
    await system.factory.job({ venueId: slot.venue.id, title: 'Not subscribed' });
    await waitFor(() => expect(at_(sub.path).some((r) => r.status === 200 && parse(r).data.job!.id !== stuck.id)).toBe(true));
    receiver.answer = previous;
    await waitFor(() => expect(at_(sub.path).filter((r) => r.status === 200)).toHaveLength(2));
    const titles = at_(sub.path).map((r) => (parse(r).data.job as unknown as { title: string }).title);
    expect(new Set(titles)).toEqual(new Set(['Stuck', 'Flowing']));
  });

  it('posts {text} to Slack incoming webhooks about conflicts', async () => {
    const { venue, staff } = await system.factory.team(1);
    const sub = await subscribe(venue.id, ['conflict.opened', 'conflict.resolved'], 'slack');
    const job = await system.factory.job({ venueId: venue.id, title: 'Colour', startsAt: at(5, '10:00', 'Europe/Berlin'), endsAt: at(5, '11:00', 'Europe/Berlin') });
    await system.factory.assign(job.id, staff[0].id);
    const slot = await system.factory.blockedSlot(staff[0].id, { startsAt: at(5, '10:30', 'Europe/Berlin'), endsAt: at(5, '12:00', 'Europe/Berlin') });
    await admin().delete(`/v1/staff/${staff[0].id}/blocked-slots/${slot.id}`).expect(204);

    const got = await waitFor(() => {
      const r = at_(sub.path);
      if (r.length < 2) throw new Error(`${r.length} so far`);
      return r;
    });
    const texts = got.map((r) => JSON.parse(r.body));
    for (const t of texts) expect(Object.keys(t)).toEqual(['text']);
    expect(texts[0].text).toContain(`:warning: Conflict: ${staff[0].name} is busy in their own calendar during <http://127.0.0.1:3000/jobs/${job.id}|Colour>`);
    expect(texts[0].text).toContain('10:00–11:00 (Europe/Berlin)');
    expect(texts[1].text).toMatch(/^:white_check_mark: Conflict resolved \(slot removed\)/);
  });
});

describe('webhook URLs in production (SSRF rules as for CalDAV servers)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' } });
  });
  afterAll(async () => system?.stop());

  it.each([
    'http://hooks.example.com/x',
    'https://127.0.0.1/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://10.0.0.8/x',
    'https://169.254.169.254/latest/meta-data',
    'https://localhost/x',
  ])('refuses %s with 400 INVALID_WEBHOOK_URL', async (url) => {
    const res = await system.http(system.adminToken()).post('/v1/webhooks', { url, events: ['job.created'] }).expect(400);
    expect(res.body.code).toBe('INVALID_WEBHOOK_URL');
    expect((await system.http(system.adminToken()).get('/v1/webhooks').expect(200)).body).toEqual([]);
  });
});
