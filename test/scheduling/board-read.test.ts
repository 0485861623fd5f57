import { OutboxRepository } from '@calbridge/scheduling/testing';
import { at } from '../support/factory';
import { SseClient } from '../support/sse';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/** GET /v1/venues/:id/board: the board's one read (API.md "The dispatcher board"), and its stream cursor. */
describe('the board read of a venue', () => {
  let system: TestSystem;
  const open: SseClient[] = [];
  const ZONE = 'America/New_York';

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await system?.stop();
  });
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

  it('answers jobs (board fields, venue zone), lanes, busy time without private text and open conflicts', async () => {
    const { venue, staff } = await system.factory.team(2, { timezone: ZONE });
    const inside = await system.factory.job({ venueId: venue.id, title: 'Inside', startsAt: at(1, '10:00', ZONE), endsAt: at(1, '11:00', ZONE), status: 'confirmed' });
    await system.factory.assign(inside.id, staff[0].id);
    const unassigned = await system.factory.job({ venueId: venue.id, title: 'Nobody yet', startsAt: at(1, '12:00', ZONE), endsAt: at(1, '13:00', ZONE) });
    await system.factory.job({ venueId: venue.id, title: 'Outside', startsAt: at(3, '10:00', ZONE), endsAt: at(3, '11:00', ZONE) });
    await system.factory.blockedSlot(staff[0].id, { startsAt: at(1, '10:30', ZONE), endsAt: at(1, '12:00', ZONE), reason: 'Dentist' });
    const pulled = await system.factory.blockedSlot(staff[1].id, { startsAt: at(1, '08:00', ZONE), endsAt: at(1, '09:00', ZONE), reason: 'Therapy' });
    await system.dataSource.query(`UPDATE blocked_slots SET source = 'external' WHERE id = $1`, [pulled.id]);
    const from = at(1, '00:00', ZONE);
    const to = at(2, '00:00', ZONE);
    const res = await system.http().get(`/v1/venues/${venue.id}/board`).query({ from, to }).set(bearer(system.dispatcherToken(venue.id))).expect(200);
    const body = res.body;
    expect(body.venue).toEqual({ id: venue.id, name: venue.name, timezone: ZONE });
    expect(body.cursor).toMatch(/^\d+-0$/);
    expect(body.staff.map((s: { id: string }) => s.id).sort()).toEqual(staff.map((s) => s.id).sort());
    expect(body.jobs.map((j: { title: string }) => j.title)).toEqual(['Inside', 'Nobody yet']);
    expect(body.jobs[0]).toEqual({
      id: inside.id,
      title: 'Inside',
      status: 'confirmed',
      startsAt: expect.stringMatching(/T10:00:00(\.000)?-0[45]:00$/),
      endsAt: expect.stringMatching(/T11:00:00(\.000)?-0[45]:00$/),
      version: expect.any(Number),
      staffIds: [staff[0].id],
    });
    expect(body.jobs[1]).toMatchObject({ id: unassigned.id, staffIds: [] });
    expect(body.blockedSlots).toHaveLength(2);
    expect(JSON.stringify(body)).not.toContain('Therapy');
    expect(body.blockedSlots.find((s: { id: string }) => s.id === pulled.id).reason).toBeNull();
    expect(body.conflicts).toHaveLength(1);
    expect(body.conflicts[0]).toMatchObject({ staffId: staff[0].id, status: 'open', job: { id: inside.id } });
  });

  it('refuses a bad window, another venue and staff, with stable codes', async () => {
    const { venue, staff } = await system.factory.team(1);
    const other = await system.factory.venue();
    const token = system.dispatcherToken(venue.id);
    const week = { from: at(0, '00:00'), to: at(7, '00:00') };
    await system.http().get(`/v1/venues/${venue.id}/board`).query(week).set(bearer(token)).expect(200);
    const long = await system.http().get(`/v1/venues/${venue.id}/board`).query({ from: at(0, '00:00'), to: at(9, '00:00') }).set(bearer(token)).expect(400);
    expect(long.body.code).toBe('INVALID_TIME_WINDOW');
    const missing = await system.http().get(`/v1/venues/${venue.id}/board`).set(bearer(token)).expect(400);
    expect(missing.body.code).toBe('INVALID_TIME_WINDOW');
    const denied = await system.http().get(`/v1/venues/${other.id}/board`).query(week).set(bearer(token)).expect(403);
    expect(denied.body.code).toBe('VENUE_OUT_OF_SCOPE');
    await system.http().get(`/v1/venues/${venue.id}/board`).query(week).set(bearer(system.staffToken(staff[0].id))).expect(403);
    await system.http().get(`/v1/venues/not-an-id/board`).query(week).set(bearer(token)).expect(400);
  });

  it("reads a day or the week around a date in the venue's zone (what the app asks for before it knows the zone)", async () => {
    const { venue } = await system.factory.team(1, { timezone: ZONE });
    const token = system.dispatcherToken(venue.id);
    const get = (q: Record<string, string>) => system.http().get(`/v1/venues/${venue.id}/board`).query(q).set(bearer(token));
    // Wednesday 11 March 2026: New York switched to summer time on Sunday the 8th.
    const week = await get({ view: 'week', date: '2026-03-11' }).expect(200);
    expect([week.body.from, week.body.to].map((t: string) => t.replace('.000', ''))).toEqual(['2026-03-09T00:00:00-04:00', '2026-03-16T00:00:00-04:00']);
    const day = await get({ view: 'day', date: '2026-03-08' }).expect(200);
    expect([day.body.from, day.body.to].map((t: string) => t.replace('.000', ''))).toEqual(['2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00']);
    const today = await get({ view: 'day' }).expect(200);
    expect(Date.parse(today.body.from)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(today.body.to)).toBeGreaterThan(Date.now());
    expect((await get({ view: 'week', date: '2026-02-30' }).expect(400)).body.code).toBe('INVALID_TIME_WINDOW');
    expect((await get({ view: 'month', date: '2026-03-11' }).expect(400)).body.code).toBeDefined();
    expect((await get({ view: 'day', from: at(0, '00:00'), to: at(1, '00:00') }).expect(400)).body.code).toBe('INVALID_TIME_WINDOW');
  });

  it('gives the resume point of its own read: a stream from `cursor` delivers what the read missed', async () => {
    const { venue } = await system.factory.team(1);
    const token = system.dispatcherToken(venue.id);
    const window = { from: at(0, '00:00'), to: at(7, '00:00') };
    const read = await system.http().get(`/v1/venues/${venue.id}/board`).query(window).set(bearer(token)).expect(200);
    const later = await system.factory.job({ venueId: venue.id, title: 'After the read', startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    const c = await SseClient.open(`${system.baseUrl}/v1/venues/${venue.id}/stream`, { ...bearer(token), 'Last-Event-ID': read.body.cursor });
    open.push(c);
    const ready = await c.next((e) => e.event === 'ready', 'ready');
    expect(JSON.parse(ready.data).resumed).toBe(true);
    await c.next((e) => e.event === 'job.created' && JSON.parse(e.data).id === later.id, 'the job created after the read');
  });
  it('resumes from its cursor when the outbox holds nothing older (an empty or young outbox is not a pruned one)', async () => {
    const { venue } = await system.factory.team(1);
    const token = system.dispatcherToken(venue.id);
    // A young deployment, or one whose old rows were relayed and pruned long before this read.
    await system.dataSource.query(`DELETE FROM outbox_events`);
    const read = await system.http().get(`/v1/venues/${venue.id}/board`).query({ from: at(0, '00:00'), to: at(7, '00:00') }).set(bearer(token)).expect(200);
    // Other transactions (the relay, other requests) take transaction ids before the next change.
    for (let i = 0; i < 3; i++) await system.dataSource.query(`SELECT pg_current_xact_id()`);
    const later = await system.factory.job({ venueId: venue.id, title: 'First change after the read', startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    const c = await SseClient.open(`${system.baseUrl}/v1/venues/${venue.id}/stream`, { ...bearer(token), 'Last-Event-ID': read.body.cursor });
    open.push(c);
    const ready = await c.next((e) => e.event === 'ready', 'ready');
    expect(JSON.parse(ready.data).resumed).toBe(true);
    await c.next((e) => e.event === 'job.created' && JSON.parse(e.data).id === later.id, 'the job created after the read');
  });

  it('tells a client whose cursor is older than pruned events to read everything again (reset)', async () => {
    const { venue } = await system.factory.team(1);
    const token = system.dispatcherToken(venue.id);
    const read = await system.http().get(`/v1/venues/${venue.id}/board`).query({ from: at(0, '00:00'), to: at(7, '00:00') }).set(bearer(token)).expect(200);
    const missed = await system.factory.job({ venueId: venue.id, title: 'Pruned before the client came back', startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    // Aged past retention and pruned (again if a relay stamped it relayed afresh meanwhile).
    await waitFor(
      async () => {
        await system.dataSource.query(`UPDATE outbox_events SET relayed_at = now() - interval '30 days' WHERE aggregate_id = $1`, [missed.id]);
        await system.get<OutboxRepository>(OutboxRepository).prune(system.dataSource.manager, 7);
        const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1`, [missed.id]);
        if (row.n !== 0) throw new Error(`${row.n} event(s) of the job still kept`);
      },
      { what: 'the job event pruned' },
    );
    const [mark] = await system.dataSource.query(`SELECT pruned_through::text AS through FROM outbox_prune_mark`);
    expect(BigInt(mark.through)).toBeGreaterThanOrEqual(BigInt(read.body.cursor.split('-')[0]));
    const c = await SseClient.open(`${system.baseUrl}/v1/venues/${venue.id}/stream`, { ...bearer(token), 'Last-Event-ID': read.body.cursor });
    open.push(c);
    await c.next((e) => e.event === 'reset', 'reset');
    const ready = await c.next((e) => e.event === 'ready', 'ready');
    expect(JSON.parse(ready.data).resumed).toBe(false);
    // A cursor taken after the prune resumes normally.
    const again = await system.http().get(`/v1/venues/${venue.id}/board`).query({ from: at(0, '00:00'), to: at(7, '00:00') }).set(bearer(token)).expect(200);
    const c2 = await SseClient.open(`${system.baseUrl}/v1/venues/${venue.id}/stream`, { ...bearer(token), 'Last-Event-ID': again.body.cursor });
    open.push(c2);
    expect(JSON.parse((await c2.next((e) => e.event === 'ready', 'ready')).data).resumed).toBe(true);
  });
});
