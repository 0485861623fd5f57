import { AssignmentGuard } from '@calbridge/scheduling/testing';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('assignments: the two scheduling rules', () => {
  let system: TestSystem;
  let admin: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
  });
  afterAll(() => system?.stop());

  it('lets exactly one of 20 concurrent overlapping assignments through', async () => {
    const { venue, staff } = await system.factory.team(1);
    const person = staff[0];
    // 20 different jobs, all overlapping 10:00-11:00 tomorrow by at least 30 minutes.
    const jobs = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(
        await system.factory.job({
          venueId: venue.id,
          startsAt: at(1, `09:${String(30 + i).padStart(2, '0')}`),
          endsAt: at(1, `10:${String(30 + i).padStart(2, '0')}`),
        }),
      );
    }
    const dispatcher = system.dispatcherToken(venue.id);
    const results = await Promise.all(
      jobs.map((job) => system.http(dispatcher).post(`/v1/jobs/${job.id}/assignments`, { staffId: person.id })),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const winner = created[0].body.jobId;
    for (const r of refused) {
      expect(r.body.code).toBe('ASSIGNMENT_CONFLICT');
      expect(r.body.details.overridable).toBe(false);
      expect(r.body.details.conflicts).toEqual([expect.objectContaining({ type: 'job', jobId: winner, staffId: person.id })]);
    }
    // The database agrees: one active assignment for the person.
    const [{ n }] = await system.dataSource.query('SELECT count(*)::int AS n FROM job_assignments WHERE staff_id = $1', [
      person.id,
    ]);
    expect(n).toBe(1);
  });

  it('with the application pre-checks switched off, Postgres alone lets one through and the API maps the violation', async () => {
    /** Skips the friendly pre-check, so only the exclusion constraint stands in the way. */
    class PreCheckOff extends AssignmentGuard {
      override async check(): Promise<[]> {
        return [];
      }
    }
    const bare = await TestSystem.start({ overrideApi: (b) => b.overrideProvider(AssignmentGuard).useClass(PreCheckOff) });
    try {
      const { venue, staff } = await bare.factory.team(1);
      const jobs = [];
      for (let i = 0; i < 20; i++) {
        jobs.push(await bare.factory.job({ venueId: venue.id, startsAt: at(1, `09:${String(30 + i).padStart(2, '0')}`), endsAt: at(1, '11:00') }));
      }
      const token = bare.adminToken();
      const results = await Promise.all(
        jobs.map((job) => bare.http(token).post(`/v1/jobs/${job.id}/assignments`, { staffId: staff[0].id })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const refused = results.filter((r) => r.status === 409);
      expect(refused).toHaveLength(19);
      const winner = results.find((r) => r.status === 201)!.body.jobId;
      for (const r of refused) {
        expect(r.body).toMatchObject({
          code: 'ASSIGNMENT_CONFLICT',
          details: { conflicts: [expect.objectContaining({ type: 'job', jobId: winner })] },
        });
      }
    } finally {
      await bare.stop();
    }
  });

  it('the exclusion constraint holds even when the service checks are bypassed', async () => {
    const { venue, staff } = await system.factory.team(1);
    const a = await system.factory.job({ venueId: venue.id, startsAt: at(2, '10:00'), endsAt: at(2, '12:00') });
    const b = await system.factory.job({ venueId: venue.id, startsAt: at(2, '11:00'), endsAt: at(2, '13:00') });
    await system.factory.assign(a.id, staff[0].id);
    await expect(
      system.dataSource.query(
        `INSERT INTO job_assignments (job_id, staff_id, starts_at, ends_at, active) SELECT id, $2, starts_at, ends_at, true FROM jobs WHERE id = $1`,
        [b.id, staff[0].id],
      ),
    ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23P01', constraint: 'job_assignments_no_overlap' }) });
  });

  it('allows back-to-back jobs, overlapping cancelled jobs and other people', async () => {
    const { venue, staff } = await system.factory.team(2);
    const first = await system.factory.job({ venueId: venue.id, startsAt: at(3, '09:00'), endsAt: at(3, '10:00') });
    const touching = await system.factory.job({ venueId: venue.id, startsAt: at(3, '10:00'), endsAt: at(3, '11:00') });
    const cancelled = await system.factory.job({
      venueId: venue.id,
      startsAt: at(3, '09:30'),
      endsAt: at(3, '10:30'),
      status: 'cancelled',
    });
    const d = system.dispatcherToken(venue.id);
    await system.http(d).post(`/v1/jobs/${first.id}/assignments`, { staffId: staff[0].id }).expect(201);
    await system.http(d).post(`/v1/jobs/${touching.id}/assignments`, { staffId: staff[0].id }).expect(201);
    await system.http(d).post(`/v1/jobs/${cancelled.id}/assignments`, { staffId: staff[0].id }).expect(201);
    await system.http(d).post(`/v1/jobs/${first.id}/assignments`, { staffId: staff[1].id, role: 'lead' }).expect(201);
  });

  it('refuses unknown staff, staff of another venue, double assignment and a second lead', async () => {
    const { venue, staff } = await system.factory.team(2);
    const other = await system.factory.team(1);
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(4, '09:00'), endsAt: at(4, '10:00') });
    const http = system.http(admin);
    const unknown = await http.post(`/v1/jobs/${job.id}/assignments`, { staffId: '00000000-0000-4000-8000-000000000000' }).expect(422);
    expect(unknown.body.code).toBe('STAFF_NOT_FOUND');
    const foreign = await http.post(`/v1/jobs/${job.id}/assignments`, { staffId: other.staff[0].id }).expect(422);
    expect(foreign.body.code).toBe('STAFF_NOT_IN_VENUE');
    await http.post(`/v1/jobs/${job.id}/assignments`, { staffId: staff[0].id, role: 'lead' }).expect(201);
    expect((await http.post(`/v1/jobs/${job.id}/assignments`, { staffId: staff[0].id }).expect(409)).body.code).toBe(
      'ALREADY_ASSIGNED',
    );
    expect(
      (await http.post(`/v1/jobs/${job.id}/assignments`, { staffId: staff[1].id, role: 'lead' }).expect(409)).body.code,
    ).toBe('LEAD_ALREADY_ASSIGNED');
    const missingJob = await http
      .post('/v1/jobs/00000000-0000-4000-8000-000000000000/assignments', { staffId: staff[0].id })
      .expect(404);
    expect(missingJob.body.code).toBe('JOB_NOT_FOUND');
  });

  describe('blocked slots', () => {
    it('refuses an assignment over a blocked slot unless overridden, then records an overridden conflict', async () => {
      const { venue, staff } = await system.factory.team(1);
      const person = staff[0];
      const slot = await system.factory.blockedSlot(person.id, { startsAt: at(5, '10:30'), endsAt: at(5, '12:00'), reason: 'Doctor' });
      const job = await system.factory.job({ venueId: venue.id, startsAt: at(5, '10:00'), endsAt: at(5, '11:00') });
      const d = system.http(system.dispatcherToken(venue.id));

      const refused = await d.post(`/v1/jobs/${job.id}/assignments`, { staffId: person.id }).expect(409);
      expect(refused.body).toMatchObject({
        code: 'ASSIGNMENT_CONFLICT',
        details: { overridable: true, conflicts: [expect.objectContaining({ type: 'blocked_slot', blockedSlotId: slot.id })] },
      });
      expect(refused.body.message).toMatch(/override/);

      const accepted = await d.post(`/v1/jobs/${job.id}/assignments`, { staffId: person.id, override: true }).expect(201);
      expect(accepted.body.overriddenConflicts).toEqual([
        expect.objectContaining({ status: 'overridden', blockedSlot: expect.objectContaining({ id: slot.id, reason: 'Doctor' }) }),
      ]);
      const conflicts = await d.get(`/v1/conflicts?staffId=${person.id}`).expect(200);
      expect(conflicts.body).toEqual([
        expect.objectContaining({
          status: 'overridden',
          job: expect.objectContaining({ id: job.id }),
          blockedSlot: expect.objectContaining({ id: slot.id }),
          overriddenBy: 'test-dispatcher',
        }),
      ]);
    });

    it('never overrides another job, even with override: true', async () => {
      const { venue, staff } = await system.factory.team(1);
      const a = await system.factory.job({ venueId: venue.id, startsAt: at(6, '10:00'), endsAt: at(6, '11:00') });
      const b = await system.factory.job({ venueId: venue.id, startsAt: at(6, '10:30'), endsAt: at(6, '11:30') });
      await system.factory.assign(a.id, staff[0].id);
      const res = await system.http(admin).post(`/v1/jobs/${b.id}/assignments`, { staffId: staff[0].id, override: true }).expect(409);
      expect(res.body.details.overridable).toBe(false);
    });
  });

  describe('rescheduling re-checks both rules', () => {
    it('refuses moving a job onto another active job of an assignee', async () => {
      const { venue, staff } = await system.factory.team(1);
      const a = await system.factory.job({ venueId: venue.id, startsAt: at(7, '09:00'), endsAt: at(7, '10:00') });
      const b = await system.factory.job({ venueId: venue.id, startsAt: at(7, '11:00'), endsAt: at(7, '12:00') });
      await system.factory.assign(a.id, staff[0].id);
      await system.factory.assign(b.id, staff[0].id);
      const res = await system
        .http(admin)
        .patch(`/v1/jobs/${b.id}`, { startsAt: at(7, '09:30'), endsAt: at(7, '10:30'), override: true })
        .expect(409);
      expect(res.body).toMatchObject({ code: 'ASSIGNMENT_CONFLICT', details: { overridable: false } });
      const unchanged = await system.http(admin).get(`/v1/jobs/${b.id}`).expect(200);
      expect(new Date(unchanged.body.startsAt).toISOString()).toBe(new Date(at(7, '11:00')).toISOString());
      expect(unchanged.body.version).toBe(b.version + 1); // the assignment bumped it; the refused move did not
    });

    it('refuses reactivating a cancelled job that now overlaps another one', async () => {
      const { venue, staff } = await system.factory.team(1);
      const a = await system.factory.job({ venueId: venue.id, startsAt: at(8, '09:00'), endsAt: at(8, '10:00'), status: 'cancelled' });
      await system.factory.assign(a.id, staff[0].id);
      const b = await system.factory.job({ venueId: venue.id, startsAt: at(8, '09:30'), endsAt: at(8, '10:30') });
      await system.factory.assign(b.id, staff[0].id);
      const res = await system.http(admin).patch(`/v1/jobs/${a.id}`, { status: 'confirmed' }).expect(409);
      expect(res.body.code).toBe('ASSIGNMENT_CONFLICT');
      await system.http(admin).patch(`/v1/jobs/${b.id}`, { status: 'no_show' }).expect(200);
      await system.http(admin).patch(`/v1/jobs/${a.id}`, { status: 'confirmed' }).expect(200);
    });

    it('needs override to move onto a blocked slot; moving away resolves the conflict', async () => {
      const { venue, staff } = await system.factory.team(1);
      const person = staff[0];
      const job = await system.factory.job({ venueId: venue.id, startsAt: at(9, '09:00'), endsAt: at(9, '10:00') });
      await system.factory.assign(job.id, person.id);
      const slot = await system.factory.blockedSlot(person.id, { startsAt: at(9, '14:00'), endsAt: at(9, '15:00') });
      const http = system.http(admin);

      const refused = await http.patch(`/v1/jobs/${job.id}`, { startsAt: at(9, '14:30'), endsAt: at(9, '15:30') }).expect(409);
      expect(refused.body.details).toMatchObject({ overridable: true });
      await http.patch(`/v1/jobs/${job.id}`, { startsAt: at(9, '14:30'), endsAt: at(9, '15:30'), override: true }).expect(200);
      let conflicts = await http.get(`/v1/conflicts?jobId=${job.id}`).expect(200);
      expect(conflicts.body).toEqual([expect.objectContaining({ status: 'overridden', blockedSlot: expect.objectContaining({ id: slot.id }) })]);

      // Still overlapping the same slot: no second override needed.
      await http.patch(`/v1/jobs/${job.id}`, { startsAt: at(9, '14:45'), endsAt: at(9, '15:45') }).expect(200);
      // Moving away resolves it.
      await http.patch(`/v1/jobs/${job.id}`, { startsAt: at(9, '16:00'), endsAt: at(9, '17:00') }).expect(200);
      conflicts = await http.get(`/v1/conflicts?jobId=${job.id}`).expect(200);
      expect(conflicts.body).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'no_longer_overlapping' })]);
    });
  });

  it('unassigning frees the time and resolves the person\'s conflicts on that job', async () => {
    const { venue, staff } = await system.factory.team(1);
    const person = staff[0];
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(10, '09:00'), endsAt: at(10, '10:00') });
    await system.factory.assign(job.id, person.id);
    await system.factory.blockedSlot(person.id, { startsAt: at(10, '09:30'), endsAt: at(10, '11:00') });
    const http = system.http(admin);
    expect((await http.get(`/v1/conflicts?staffId=${person.id}&status=open`).expect(200)).body).toHaveLength(1);
    await http.delete(`/v1/jobs/${job.id}/assignments/${person.id}`).expect(204);
    expect((await http.get(`/v1/conflicts?staffId=${person.id}&status=open`).expect(200)).body).toHaveLength(0);
    const resolved = await http.get(`/v1/conflicts?staffId=${person.id}&status=resolved`).expect(200);
    expect(resolved.body[0].resolution).toBe('unassigned');
    const other = await system.factory.job({ venueId: venue.id, startsAt: at(10, '09:00'), endsAt: at(10, '09:30') });
    await http.post(`/v1/jobs/${other.id}/assignments`, { staffId: person.id }).expect(201);
    await http.delete(`/v1/jobs/${job.id}/assignments/${person.id}`).expect(404);
  });
});
