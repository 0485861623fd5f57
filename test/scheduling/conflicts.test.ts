import { BUSY_ITEMS_SQL } from '@calbridge/scheduling/testing';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('blocked slots and conflicts are data', () => {
  let system: TestSystem;
  let admin: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
  });
  afterAll(() => system?.stop());

  it('a staff member blocks their own time; an overlapping job becomes an open conflict the dispatcher sees', async () => {
    const { venue, staff } = await system.factory.team(1);
    const person = staff[0];
    const job = await system.factory.job({ venueId: venue.id, title: 'Perm', startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    await system.factory.assign(job.id, person.id);

    const own = system.http(system.staffToken(person.id));
    const slot = await own
      .post(`/v1/staff/${person.id}/blocked-slots`, { startsAt: at(1, '10:30'), endsAt: at(1, '12:00'), reason: 'School run' })
      .expect(201);
    expect(slot.body).toMatchObject({ staffId: person.id, source: 'manual', reason: 'School run', allDay: false });

    const dispatcher = system.http(system.dispatcherToken(venue.id));
    const open = await dispatcher.get(`/v1/conflicts?venueId=${venue.id}&status=open`).expect(200);
    expect(open.body).toEqual([
      expect.objectContaining({
        status: 'open',
        staffId: person.id,
        venueId: venue.id,
        job: expect.objectContaining({ id: job.id, title: 'Perm' }),
        blockedSlot: expect.objectContaining({ id: slot.body.id, source: 'manual', reason: 'School run' }),
      }),
    ]);
    // The staff member sees their own conflicts too.
    expect((await own.get('/v1/conflicts?status=open').expect(200)).body).toHaveLength(1);

    // Deleting the slot resolves the conflict.
    await own.delete(`/v1/staff/${person.id}/blocked-slots/${slot.body.id}`).expect(204);
    const after = await dispatcher.get(`/v1/conflicts?venueId=${venue.id}`).expect(200);
    expect(after.body).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'slot_removed' })]);
  });

  it('cancelling the job resolves the conflict; a job that is not active never conflicts', async () => {
    const { venue, staff } = await system.factory.team(1);
    const person = staff[0];
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(2, '10:00'), endsAt: at(2, '11:00') });
    await system.factory.assign(job.id, person.id);
    await system.factory.blockedSlot(person.id, { startsAt: at(2, '09:00'), endsAt: at(2, '10:15') });
    const http = system.http(admin);
    expect((await http.get(`/v1/conflicts?jobId=${job.id}&status=open`).expect(200)).body).toHaveLength(1);
    await http.patch(`/v1/jobs/${job.id}`, { status: 'cancelled' }).expect(200);
    const resolved = await http.get(`/v1/conflicts?jobId=${job.id}`).expect(200);
    expect(resolved.body).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'job_inactive' })]);
    // Back to confirmed: the slot is still there, so it needs an override (it is a new overlap now).
    const refused = await http.patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).expect(409);
    expect(refused.body.details.overridable).toBe(true);
  });

  it('lists blocked slots in a window, and refuses to delete slots that mirror a calendar', async () => {
    const { staff } = await system.factory.team(1);
    const person = staff[0];
    await system.factory.blockedSlot(person.id, { startsAt: at(3, '08:00'), endsAt: at(3, '09:00') });
    await system.factory.blockedSlot(person.id, { startsAt: at(20, '08:00'), endsAt: at(20, '09:00') });
    const http = system.http(system.staffToken(person.id));
    const list = await http
      .get(`/v1/staff/${person.id}/blocked-slots?from=${encodeURIComponent(at(0, '00:00'))}&to=${encodeURIComponent(at(7, '00:00'))}`)
      .expect(200);
    expect(list.body).toHaveLength(1);
    const [external] = await system.dataSource.query(
      `INSERT INTO blocked_slots (staff_id, starts_at, ends_at, source) VALUES ($1, now() + interval '1 day', now() + interval '25 hours', 'external') RETURNING id`,
      [person.id],
    );
    const res = await http.delete(`/v1/staff/${person.id}/blocked-slots/${external.id}`).expect(409);
    expect(res.body.code).toBe('BLOCKED_SLOT_EXTERNAL');
    await http.delete(`/v1/staff/${person.id}/blocked-slots/00000000-0000-4000-8000-000000000000`).expect(404);
    const invalid = await http.post(`/v1/staff/${person.id}/blocked-slots`, { startsAt: at(3, '10:00'), endsAt: at(3, '09:00') }).expect(400);
    expect(invalid.body.code).toBe('INVALID_TIME_RANGE');
  });

  it('busy merges jobs and blocked slots with their sources', async () => {
    const { venue, staff } = await system.factory.team(1);
    const person = staff[0];
    const a = await system.factory.job({ venueId: venue.id, startsAt: at(4, '09:00'), endsAt: at(4, '10:00') });
    const b = await system.factory.job({ venueId: venue.id, startsAt: at(4, '13:00'), endsAt: at(4, '14:00') });
    const cancelled = await system.factory.job({ venueId: venue.id, startsAt: at(4, '16:00'), endsAt: at(4, '17:00'), status: 'cancelled' });
    for (const j of [a, b, cancelled]) await system.factory.assign(j.id, person.id);
    const slot = await system.factory.blockedSlot(person.id, { startsAt: at(4, '09:30'), endsAt: at(4, '11:00') });
    const res = await system
      .http(system.dispatcherToken(venue.id))
      .get(`/v1/staff/${person.id}/busy?from=${encodeURIComponent(at(4, '00:00'))}&to=${encodeURIComponent(at(5, '00:00'))}`)
      .expect(200);
    expect(res.body.intervals).toEqual([
      {
        startsAt: new Date(at(4, '09:00')).toISOString(),
        endsAt: new Date(at(4, '11:00')).toISOString(),
        sources: [
          expect.objectContaining({ type: 'job', id: a.id }),
          expect.objectContaining({ type: 'blocked_slot', id: slot.id, source: 'manual' }),
        ],
      },
      {
        startsAt: new Date(at(4, '13:00')).toISOString(),
        endsAt: new Date(at(4, '14:00')).toISOString(),
        sources: [expect.objectContaining({ type: 'job', id: b.id })],
      },
    ]);
  });

  it('the busy query is served by the GiST indexes', async () => {
    const { staff } = await system.factory.team(1);
    const plan = await system.dataSource.transaction(async (em) => {
      await em.query('SET LOCAL enable_seqscan = off');
      const rows = await em.query(`EXPLAIN (FORMAT JSON) ${BUSY_ITEMS_SQL}`, [
        staff[0].id,
        new Date(),
        new Date(Date.now() + 7 * 86_400_000),
      ]);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    });
    expect(plan).toContain('job_assignments_no_overlap');
    expect(plan).toContain('blocked_slots_staff_during_idx');
  });
});
