import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('audit trail', () => {
  let system: TestSystem;
  let admin: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
  });
  afterAll(() => system?.stop());

  const auditOf = async (entityType: string, entityId: string) =>
    system.dataSource.query('SELECT * FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY id', [entityType, entityId]);

  it('records who did what, with before and after, for every job change', async () => {
    const { venue, staff } = await system.factory.team(1);
    const dispatcher = system.dispatcherToken(venue.id);
    const http = system.http(dispatcher);
    const created = await http
      .post('/v1/jobs', { venueId: venue.id, title: 'Cut', startsAt: at(1, '10:00'), endsAt: at(1, '11:00') })
      .expect(201);
    const id = created.body.id;
    await http.post(`/v1/jobs/${id}/assignments`, { staffId: staff[0].id }).expect(201);
    await http.patch(`/v1/jobs/${id}`, { startsAt: at(1, '12:00'), endsAt: at(1, '13:00') }).expect(200);
    await http.patch(`/v1/jobs/${id}`, { status: 'confirmed' }).expect(200);
    await http.delete(`/v1/jobs/${id}/assignments/${staff[0].id}`).expect(204);

    const rows = await auditOf('job', id);
    expect(rows.map((r: { action: string }) => r.action)).toEqual([
      'job.created',
      'assignment.created',
      'job.rescheduled',
      'job.status_changed',
      'assignment.deleted',
    ]);
    for (const r of rows) expect(r).toMatchObject({ actor_type: 'user', actor_id: 'test-dispatcher', actor_role: 'dispatcher', venue_id: venue.id });
    const moved = rows[2];
    expect(new Date(moved.before.startsAt).toISOString()).toBe(new Date(at(1, '10:00')).toISOString());
    expect(new Date(moved.after.startsAt).toISOString()).toBe(new Date(at(1, '12:00')).toISOString());
    expect(moved.after.changed).toEqual(['startsAt', 'endsAt']);
    expect(rows[3].before.status).toBe('pending');
    expect(rows[3].after.status).toBe('confirmed');

    const api = await http.get(`/v1/audit?entityType=job&entityId=${id}`).expect(200);
    expect(api.body.items.map((e: { action: string }) => e.action)).toEqual([...rows.map((r: { action: string }) => r.action)].reverse());
    expect(api.body.items[0]).toMatchObject({ actor: { type: 'user', id: 'test-dispatcher', role: 'dispatcher' } });
  });

  it('writes nothing when the change is refused inside its transaction', async () => {
    const { venue, staff } = await system.factory.team(1);
    await system.factory.blockedSlot(staff[0].id, { startsAt: at(2, '10:00'), endsAt: at(2, '11:00') });
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(2, '10:30'), endsAt: at(2, '11:30') });
    const before = await auditOf('job', job.id);
    const [{ n: outboxBefore }] = await system.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1', [job.id]);
    await system.http(admin).post(`/v1/jobs/${job.id}/assignments`, { staffId: staff[0].id }).expect(409);
    expect(await auditOf('job', job.id)).toEqual(before);
    const [{ n: outboxAfter }] = await system.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1', [job.id]);
    expect(outboxAfter).toBe(outboxBefore);
    const [{ n: assignments }] = await system.dataSource.query('SELECT count(*)::int AS n FROM job_assignments WHERE job_id = $1', [job.id]);
    expect(assignments).toBe(0);
  });

  it('is append-only: updates, deletes and truncation are refused by the database', async () => {
    await expect(system.dataSource.query(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(system.dataSource.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(system.dataSource.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('shows each caller only the trail of their scope', async () => {
    const x = await system.factory.team(1);
    const y = await system.factory.team(1);
    const jobY = await system.factory.job({ venueId: y.venue.id });
    const dx = system.http(system.dispatcherToken(x.venue.id));
    expect((await dx.get(`/v1/audit?entityType=job&entityId=${jobY.id}`).expect(200)).body.items).toEqual([]);
    const dy = system.http(system.dispatcherToken(y.venue.id));
    expect((await dy.get(`/v1/audit?entityType=job&entityId=${jobY.id}`).expect(200)).body.items).toHaveLength(1);

    const slot = await system.factory.blockedSlot(x.staff[0].id, { startsAt: at(3, '08:00'), endsAt: at(3, '09:00') });
    const own = system.http(system.staffToken(x.staff[0].id));
    const mine = await own.get(`/v1/audit?entityType=blocked_slot&entityId=${slot.id}`).expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ action: 'blocked_slot.created', staffId: x.staff[0].id })]);
    expect((await own.get(`/v1/audit?entityType=job&entityId=${jobY.id}`).expect(200)).body.items).toEqual([]);
    // Dispatchers see what happens to the people of their venue.
    expect((await dx.get(`/v1/audit?entityType=blocked_slot&entityId=${slot.id}`).expect(200)).body.items).toHaveLength(1);
  });

  it('pages newest first with a cursor', async () => {
    const { venue } = await system.factory.team(0);
    const job = await system.factory.job({ venueId: venue.id });
    for (const title of ['a', 'b', 'c']) await system.http(admin).patch(`/v1/jobs/${job.id}`, { title }).expect(200);
    const first = await system.http(admin).get(`/v1/audit?entityType=job&entityId=${job.id}&limit=2`).expect(200);
    expect(first.body.items.map((e: { after: { title: string } }) => e.after.title)).toEqual(['c', 'b']);
    const second = await system.http(admin).get(`/v1/audit?entityType=job&entityId=${job.id}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((e: { action: string }) => e.action)).toEqual(['job.updated', 'job.created']);
    expect(second.body.nextCursor).toBeNull();
  });
});
