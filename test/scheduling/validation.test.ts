import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('bad input gets a clear 4xx with a stable code, and nothing is written', () => {
  let system: TestSystem;
  let admin: string;
  let venue: { id: string };

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
    venue = await system.factory.venue();
  });
  afterAll(() => system?.stop());

  const count = async (table: string): Promise<number> =>
    (await system.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('rejects a time zone that is not IANA with INVALID_TIMEZONE', async () => {
    for (const timezone of ['Mars/Olympus', '+02:00', 'CEST', '']) {
      const res = await system.http(admin).post('/v1/venues', { name: 'V', timezone }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_TIMEZONE' });
    }
  });

  it('rejects unknown fields and wrong types with VALIDATION_FAILED listing each field', async () => {
    const res = await system
      .http(admin)
      .post('/v1/jobs', { venueId: 'nope', title: '', startsAt: 'tomorrow', endsAt: at(1, '10:00'), colour: 'red' })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['colour', 'startsAt', 'title', 'venueId']);
  });

  it('requires an offset on date-times', async () => {
    const res = await system
      .http(admin)
      .post('/v1/jobs', { venueId: venue.id, title: 'x', startsAt: '2026-05-01T10:00:00', endsAt: '2026-05-01T11:00:00' })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('rejects endsAt <= startsAt and all-day jobs that do not start at midnight, writing nothing', async () => {
    const jobsBefore = await count('jobs');
    const outboxBefore = await count('outbox_events');
    const auditBefore = await count('audit_log');
    const reversed = await system
      .http(admin)
      .post('/v1/jobs', { venueId: venue.id, title: 'x', startsAt: at(1, '11:00'), endsAt: at(1, '10:00') })
      .expect(400);
    expect(reversed.body.code).toBe('INVALID_TIME_RANGE');
    const allDay = await system
      .http(admin)
      .post('/v1/jobs', { venueId: venue.id, title: 'x', startsAt: '2026-05-01T09:00:00+02:00', endsAt: '2026-05-02', allDay: true })
      .expect(400);
    expect(allDay.body.code).toBe('INVALID_ALL_DAY_RANGE');
    const dateOnly = await system
      .http(admin)
      .post('/v1/jobs', { venueId: venue.id, title: 'x', startsAt: '2026-05-01', endsAt: '2026-05-02' })
      .expect(400);
    expect(dateOnly.body.code).toBe('INVALID_TIME');
    expect(await count('jobs')).toBe(jobsBefore);
    expect(await count('outbox_events')).toBe(outboxBefore);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('rejects malformed JSON, ids and windows', async () => {
    const json = await system
      .http(admin)
      .post('/v1/venues')
      .set('Content-Type', 'application/json')
      .send('{"name": "V",')
      .expect(400);
    expect(json.body.code).toBe('INVALID_JSON');
    expect((await system.http(admin).get('/v1/jobs/not-a-uuid').expect(400)).body.code).toBe('INVALID_ID');
    const staff = await system.factory.staff({ venueIds: [venue.id] });
    const noWindow = await system.http(admin).get(`/v1/staff/${staff.id}/busy`).expect(400);
    expect(noWindow.body.code).toBe('INVALID_TIME_WINDOW');
    const tooLong = await system
      .http(admin)
      .get(`/v1/staff/${staff.id}/busy?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z`)
      .expect(400);
    expect(tooLong.body.code).toBe('INVALID_TIME_WINDOW');
    const reversed = await system
      .http(admin)
      .get(`/v1/staff/${staff.id}/busy?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`)
      .expect(400);
    expect(reversed.body.code).toBe('INVALID_TIME_WINDOW');
  });

  it('answers unknown routes and unknown resources with 404 codes', async () => {
    expect((await system.http(admin).get('/v1/nothing-here').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await system.http(admin).get('/v1/jobs/00000000-0000-4000-8000-000000000000').expect(404)).body.code).toBe(
      'JOB_NOT_FOUND',
    );
    expect(
      (await system.http(admin).get('/v1/staff/00000000-0000-4000-8000-000000000000').expect(404)).body.code,
    ).toBe('STAFF_NOT_FOUND');
  });

  it('refuses a duplicate staff email and staff for unknown venues, creating nobody', async () => {
    const before = await count('staff');
    await system.http(admin).post('/v1/staff', { name: 'A', email: 'dup@example.com', venueIds: [venue.id] }).expect(201);
    const dup = await system.http(admin).post('/v1/staff', { name: 'B', email: 'DUP@example.com', venueIds: [venue.id] }).expect(409);
    expect(dup.body.code).toBe('STAFF_EMAIL_TAKEN');
    const unknownVenue = await system
      .http(admin)
      .post('/v1/staff', { name: 'C', email: 'c@example.com', venueIds: ['00000000-0000-4000-8000-000000000000'] })
      .expect(422);
    expect(unknownVenue.body.code).toBe('VENUE_NOT_FOUND');
    expect(await count('staff')).toBe(before + 1);
  });
});
