import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

describe('jobs API', () => {
  let system: TestSystem;
  let admin: string;
  let venue: { id: string; timezone: string };

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
    venue = await system.factory.venue({ name: 'Berlin', timezone: 'Europe/Berlin' });
  });
  afterAll(() => system?.stop());

  it('creates a job with defaults and returns it in the venue zone with an ETag', async () => {
    const customer = await system.factory.customer({ firstName: 'Sarah', lastName: 'Johnson', venueId: venue.id });
    const res = await system
      .http(system.dispatcherToken(venue.id))
      .post('/v1/jobs', {
        venueId: venue.id,
        title: 'Balayage',
        service: 'Colour',
        customerId: customer.id,
        location: 'Chair 3',
        remote: { url: 'https://meet.example.com/x', details: 'PIN 1234' },
        startsAt: '2026-03-29T08:00:00Z',
        endsAt: '2026-03-29T09:30:00Z',
      })
      .expect(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      status: 'pending',
      version: 1,
      timezone: 'Europe/Berlin',
      startsAt: '2026-03-29T10:00:00.000+02:00', // after the DST switch that morning
      endsAt: '2026-03-29T11:30:00.000+02:00',
      remote: { url: 'https://meet.example.com/x', details: 'PIN 1234' },
      customer: { id: customer.id, firstName: 'Sarah', lastName: 'Johnson' },
      assignments: [],
    });
    const got = await system.http(admin).get(`/v1/jobs/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('stores all-day jobs as local midnights and keeps them all-day', async () => {
    const res = await system
      .http(admin)
      .post('/v1/jobs', { venueId: venue.id, title: 'Training', startsAt: '2026-10-25', endsAt: '2026-10-26', allDay: true })
      .expect(201);
    // 25 Oct 2026: Berlin goes back to winter time, a 25-hour day.
    expect(res.body).toMatchObject({
      allDay: true,
      startsAt: '2026-10-25T00:00:00.000+02:00',
      endsAt: '2026-10-26T00:00:00.000+01:00',
    });
  });

  it('changes status and reschedules with optimistic concurrency', async () => {
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(1, '10:00', 'Europe/Berlin'), endsAt: at(1, '11:00', 'Europe/Berlin') });
    const http = system.http(admin);
    const stale = await http.patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).set('If-Match', '"7"').expect(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', details: { currentVersion: 1 } });

    const confirmed = await http.patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).set('If-Match', '"1"').expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', version: 2 });
    expect(confirmed.headers.etag).toBe('"2"');

    const bodyVersion = await http.patch(`/v1/jobs/${job.id}`, { title: 'Renamed', version: 1 }).expect(409);
    expect(bodyVersion.body.code).toBe('VERSION_MISMATCH');
    const moved = await http
      .patch(`/v1/jobs/${job.id}`, { startsAt: at(2, '14:00', 'Europe/Berlin'), endsAt: at(2, '15:00', 'Europe/Berlin'), version: 2 })
      .expect(200);
    expect(moved.body.version).toBe(3);

    const noop = await http.patch(`/v1/jobs/${job.id}`, { title: moved.body.title }).expect(200);
    expect(noop.body.version).toBe(3); // nothing changed, nothing bumped
    await http.patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).set('If-Match', 'garbage').expect(400);
  });

  it('clears optional fields with null and refuses unknown customers', async () => {
    const job = await system.factory.job({ venueId: venue.id, location: 'Room 1', remote: { url: 'https://meet.example.com/a' } });
    const http = system.http(admin);
    const cleared = await http.patch(`/v1/jobs/${job.id}`, { location: null, remote: null }).expect(200);
    expect(cleared.body).toMatchObject({ location: null, remote: null });
    const bad = await http.patch(`/v1/jobs/${job.id}`, { customerId: '00000000-0000-4000-8000-000000000000' }).expect(422);
    expect(bad.body.code).toBe('CUSTOMER_NOT_FOUND');
  });

  it('lists by venue, window, staff and status, with a cursor', async () => {
    const v = await system.factory.venue({ timezone: 'America/New_York' });
    const person = await system.factory.staff({ venueIds: [v.id] });
    const ids: string[] = [];
    for (let d = 1; d <= 5; d++) {
      const j = await system.factory.job({ venueId: v.id, startsAt: at(d, '10:00'), endsAt: at(d, '11:00'), status: d === 5 ? 'cancelled' : 'confirmed' });
      ids.push(j.id);
      if (d % 2) await system.factory.assign(j.id, person.id);
    }
    const http = system.http(system.dispatcherToken(v.id));
    const page1 = await http.get(`/v1/jobs?venueId=${v.id}&limit=2`).expect(200);
    expect(page1.body.items.map((j: { id: string }) => j.id)).toEqual(ids.slice(0, 2));
    const page2 = await http.get(`/v1/jobs?venueId=${v.id}&limit=2&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.items.map((j: { id: string }) => j.id)).toEqual(ids.slice(2, 4));
    const window = await http.get(`/v1/jobs?venueId=${v.id}&from=${encodeURIComponent(at(2, '00:00'))}&to=${encodeURIComponent(at(4, '00:00'))}`).expect(200);
    expect(window.body.items.map((j: { id: string }) => j.id)).toEqual(ids.slice(1, 3));
    const mine = await http.get(`/v1/jobs?venueId=${v.id}&staffId=${person.id}`).expect(200);
    expect(mine.body.items.map((j: { id: string }) => j.id)).toEqual([ids[0], ids[2], ids[4]]);
    const active = await http.get(`/v1/jobs?venueId=${v.id}&status=pending,confirmed`).expect(200);
    expect(active.body.items).toHaveLength(4);
    await http.get(`/v1/jobs?venueId=${v.id}&status=bogus`).expect(400);
    await http.get(`/v1/jobs?venueId=${v.id}&cursor=nonsense`).expect(400);
  });

  it('a customer rename bumps the versions of their jobs (feeds and calendars re-render)', async () => {
    const customer = await system.factory.customer({ firstName: 'Claire', lastName: 'Dubois' });
    const job = await system.factory.job({ venueId: venue.id, customerId: customer.id });
    const http = system.http(admin);
    await http.patch(`/v1/customers/${customer.id}`, { lastName: 'Martin' }).expect(200);
    const after = await http.get(`/v1/jobs/${job.id}`).expect(200);
    expect(after.body.version).toBe(job.version + 1);
    expect(after.body.customer.lastName).toBe('Martin');
    await http.patch(`/v1/customers/${customer.id}`, { phone: '+33 1 23 45 67 89' }).expect(200);
    expect((await http.get(`/v1/jobs/${job.id}`).expect(200)).body.version).toBe(job.version + 1); // phone is not shown anywhere
  });
});
