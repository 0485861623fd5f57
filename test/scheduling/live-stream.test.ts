import { Client } from 'pg';
import { at } from '../support/factory';
import { SseClient } from '../support/sse';
import { TestSystem } from '../support/test-system';

/** GET /v1/venues/:id/stream (API.md "Live updates"): committed changes, resumable, gap-free, any api process. */
describe('live stream of a venue', () => {
  let system: TestSystem;
  let second: TestSystem;
  const open: SseClient[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true });
    // A second api process on the same database and queues (another replica behind a load balancer).
    second = await TestSystem.start({ listen: true, env: { DATABASE_URL: system.databaseUrl, QUEUE_PREFIX: system.queuePrefix } });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await second?.stop();
    await system?.stop();
  });

  async function stream(base: string, venueId: string, headers: Record<string, string>, query = ''): Promise<SseClient> {
    const c = await SseClient.open(`${base}/v1/venues/${venueId}/stream${query}`, headers);
    open.push(c);
    return c;
  }
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

  it('streams committed job, assignment and conflict events with ids only', async () => {
    const { venue, staff } = await system.factory.team(1);
    const c = await stream(system.baseUrl!, venue.id, bearer(system.dispatcherToken(venue.id)));
    expect(c.status).toBe(200);
    await c.next((e) => e.event === 'ready', 'ready');
    await system.factory.blockedSlot(staff[0].id, { startsAt: at(1, '10:00'), endsAt: at(1, '12:00'), reason: 'Dentist' });
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(1, '11:00'), endsAt: at(1, '13:00') });
    await system.factory.assign(job.id, staff[0].id, { override: true });
    const created = await c.next((e) => e.event === 'job.created', 'job.created');
    expect(JSON.parse(created.data)).toMatchObject({ type: 'job.created', id: job.id, jobId: job.id });
    await c.next((e) => e.event === 'assignment.created' && JSON.parse(e.data).jobId === job.id, 'assignment.created');
    await c.next((e) => e.event === 'blocked_slot.created', 'blocked_slot.created');
    await c.next((e) => e.event.startsWith('conflict.'), 'a conflict event');
    expect(c.events.every((e) => !/Dentist/.test(e.data))).toBe(true);
    // Events come in commit order with strictly increasing ids.
    const ids = c.events.filter((e) => e.id).map((e) => e.id!.split('-').map(BigInt));
    for (let i = 1; i < ids.length; i++) expect(ids[i][0] > ids[i - 1][0] || (ids[i][0] === ids[i - 1][0] && ids[i][1] > ids[i - 1][1])).toBe(true);
  });

  it('authenticates EventSource with a short-lived ticket for one venue, and checks scope', async () => {
    const { venue } = await system.factory.team(1);
    const other = await system.factory.venue();
    const res = await system.http().post('/v1/stream-tickets').set(bearer(system.dispatcherToken(venue.id))).send({ venueId: venue.id }).expect(201);
    const ok = await stream(system.baseUrl!, venue.id, {}, `?ticket=${encodeURIComponent(res.body.ticket)}`);
    expect(ok.status).toBe(200);
    await ok.next((e) => e.event === 'ready');
    // Not for another venue, not as a bearer token, not without anything.
    expect((await stream(system.baseUrl!, other.id, {}, `?ticket=${encodeURIComponent(res.body.ticket)}`)).status).toBe(401);
    await system.http().get('/v1/venues').set(bearer(res.body.ticket)).expect(401);
    expect((await stream(system.baseUrl!, venue.id, {})).status).toBe(401);
    await system.http().post('/v1/stream-tickets').set(bearer(system.dispatcherToken(venue.id))).send({ venueId: other.id }).expect(403);
    const denied = await stream(system.baseUrl!, other.id, bearer(system.dispatcherToken(venue.id)));
    expect(denied.status).toBe(403);
    expect(JSON.parse(await denied.body()).code).toBe('VENUE_OUT_OF_SCOPE');
    await system.http().post('/v1/stream-tickets').set(bearer(system.dispatcherToken(venue.id))).send({ venueId: 'nope' }).expect(400);
  });

  it('resumes from Last-Event-ID without gaps or repeats', async () => {
    const { venue } = await system.factory.team(1);
    const first = await stream(system.baseUrl!, venue.id, bearer(system.dispatcherToken(venue.id)));
    await first.next((e) => e.event === 'ready');
    const a = await system.factory.job({ venueId: venue.id, title: 'A' });
    const seen = await first.next((e) => e.event === 'job.created' && JSON.parse(e.data).id === a.id);
    first.close();
    const b = await system.factory.job({ venueId: venue.id, title: 'B' });
    const c = await system.factory.job({ venueId: venue.id, title: 'C' });
    const again = await stream(system.baseUrl!, venue.id, { ...bearer(system.dispatcherToken(venue.id)), 'Last-Event-ID': seen.id! });
    await again.next((e) => e.event === 'job.created' && JSON.parse(e.data).id === c.id);
    const createdIds = again.named('job.created').map((e) => JSON.parse(e.data).id);
    expect(createdIds).toEqual([b.id, c.id]);
  });

  it('never skips a row that commits after a later one (concurrent transactions), and serves every api process', async () => {
    const { venue } = await system.factory.team(1);
    // Read through the second api process: the change is written through the first.
    const c = await stream(second.baseUrl!, venue.id, bearer(system.dispatcherToken(venue.id)));
    await c.next((e) => e.event === 'ready');
    const insert = `INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, venue_ids, payload)
                    VALUES ('job', gen_random_uuid(), 'job.updated', ARRAY[$1::uuid], '{}') RETURNING id::text, aggregate_id::text`;
    const slow = new Client({ connectionString: system.databaseUrl });
    const fast = new Client({ connectionString: system.databaseUrl });
    await slow.connect();
    await fast.connect();
    try {
      await slow.query('BEGIN');
      const [early] = (await slow.query(insert, [venue.id])).rows; // smaller id, commits last
      await fast.query('BEGIN');
      const [late] = (await fast.query(insert, [venue.id])).rows;
      await fast.query('COMMIT');
      expect(BigInt(early.id) < BigInt(late.id)).toBe(true);
      // Give the reader a few polls: a reader keyed on ids alone would deliver `late` now and
      // then skip `early` for ever. This one holds `late` back while `early`'s transaction runs.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(c.events.some((e) => e.data.includes(late.aggregate_id))).toBe(false);
      await slow.query('COMMIT');
      await c.next((e) => JSON.parse(e.data).id === late.aggregate_id, 'the later row');
      await c.next((e) => JSON.parse(e.data).id === early.aggregate_id, 'the row that committed last');
    } finally {
      await slow.end();
      await fast.end();
    }
    const job = await system.factory.job({ venueId: venue.id });
    await c.next((e) => e.event === 'job.created' && JSON.parse(e.data).id === job.id, 'a job created through the other process');
  });
});
