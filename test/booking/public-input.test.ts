import { RedisService } from '@calbridge/core';
import { DateTime } from 'luxon';
import { TestSystem } from '../support/test-system';
import { bookableVenue, BookableVenue, customer, EVERY_DAY, localAt } from './booking-fixture';

/** Bad input on every public route: a 4xx with a stable code, and nothing written. */
describe('public booking routes: bad input, tampered links, rate limit', () => {
  let system: TestSystem;
  let v: BookableVenue;
  let token: string;
  const q = (s: string) => encodeURIComponent(s);

  async function counts() {
    const [row] = await system.dataSource.query(
      `SELECT (SELECT count(*)::int FROM jobs) AS jobs, (SELECT count(*)::int FROM customers) AS customers,
              (SELECT count(*)::int FROM bookings) AS bookings, (SELECT count(*)::int FROM job_assignments) AS assignments,
              (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM outbox_events) AS outbox,
              (SELECT coalesce(max(updated_at), 'epoch') FROM jobs) AS jobs_changed`,
    );
    return row;
  }

  beforeAll(async () => {
    system = await TestSystem.start({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
    v = await bookableVenue(system, {
      weekly: EVERY_DAY.map((day) => ({ day, start: '00:00', end: '24:00' })),
      booking: { cancellationCutoffMinutes: 1440 },
    });
    const booked = await system
      .http()
      .post(`/public/venues/${v.venue.id}/bookings`, { serviceId: v.service.id, startsAt: localAt(v.venue.timezone, 10, '10:00'), customer: customer('tok') })
      .expect(201);
    token = booked.body.manageToken;
  });
  afterAll(() => system?.stop());

  it('refuses bad input on every route with a code and writes nothing', async () => {
    const other = await system.factory.venue({ timezone: 'Europe/Berlin' });
    const hidden = await system
      .http(v.admin)
      .post(`/v1/venues/${v.venue.id}/services`, { name: 'Staff only', durationMinutes: 30, staffIds: [v.staff[0].id], bookable: false })
      .expect(201);
    const day = localAt(v.venue.timezone, 3, '00:00');
    const nextDay = localAt(v.venue.timezone, 4, '00:00');
    const good = { serviceId: v.service.id, startsAt: localAt(v.venue.timezone, 3, '10:00'), customer: customer('bad') };
    const before = await counts();
    const cases: Array<[string, () => Promise<{ status: number; body: { code?: string } }>, number, string]> = [
      ['services: id not a uuid', () => system.http().get('/public/venues/not-a-uuid/services'), 400, 'INVALID_ID'],
      ['services: unknown venue', () => system.http().get(`/public/venues/${v.staff[0].id}/services`), 404, 'VENUE_NOT_FOUND'],
      ['services: booking not enabled', () => system.http().get(`/public/venues/${other.id}/services`), 404, 'VENUE_NOT_FOUND'],
      ['availability: no serviceId', () => system.http().get(`/public/venues/${v.venue.id}/availability?from=${q(day)}&to=${q(nextDay)}`), 400, 'VALIDATION_FAILED'],
      ['availability: no window', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}`), 400, 'VALIDATION_FAILED'],
      ['availability: bad window', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}&from=yesterday&to=${q(nextDay)}`), 400, 'INVALID_TIME_WINDOW'],
      ['availability: reversed window', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}&from=${q(nextDay)}&to=${q(day)}`), 400, 'INVALID_TIME_WINDOW'],
      ['availability: window too long', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}&from=${q(day)}&to=${q(localAt(v.venue.timezone, 90, '00:00'))}`), 400, 'INVALID_TIME_WINDOW'],
      ['availability: unknown parameter', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}&from=${q(day)}&to=${q(nextDay)}&staffId=${v.staff[0].id}`), 400, 'VALIDATION_FAILED'],
      ['availability: service not bookable', () => system.http().get(`/public/venues/${v.venue.id}/availability?serviceId=${hidden.body.id}&from=${q(day)}&to=${q(nextDay)}`), 404, 'SERVICE_NOT_FOUND'],
      ['availability: disabled venue', () => system.http().get(`/public/venues/${other.id}/availability?serviceId=${v.service.id}&from=${q(day)}&to=${q(nextDay)}`), 404, 'VENUE_NOT_FOUND'],
      ['book: no body', () => system.http().post(`/public/venues/${v.venue.id}/bookings`), 400, 'VALIDATION_FAILED'],
      ['book: invalid JSON', () => system.http().post(`/public/venues/${v.venue.id}/bookings`).set('content-type', 'application/json').send('{"serviceId":'), 400, 'INVALID_JSON'],
      ['book: bad email', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, customer: { ...good.customer, email: 'nope' } }), 400, 'VALIDATION_FAILED'],
      ['book: no customer', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, customer: undefined }), 400, 'VALIDATION_FAILED'],
      ['book: customer not an object', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, customer: 'Sarah' }), 400, 'VALIDATION_FAILED'],
      ['book: empty names', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, customer: { ...good.customer, firstName: '  ' } }), 400, 'VALIDATION_FAILED'],
      ['book: bad phone', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, customer: { ...good.customer, phone: 'call me' } }), 400, 'VALIDATION_FAILED'],
      ['book: start without offset', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, startsAt: '2030-01-01T10:00:00' }), 400, 'VALIDATION_FAILED'],
      ['book: serviceId not a uuid', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, serviceId: 'x' }), 400, 'VALIDATION_FAILED'],
      ['book: staffId not a uuid', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, staffId: 'x' }), 400, 'VALIDATION_FAILED'],
      ['book: unknown field', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, price: 0 }), 400, 'VALIDATION_FAILED'],
      ['book: unknown service', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, serviceId: other.id }), 404, 'SERVICE_NOT_FOUND'],
      ['book: service not bookable', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, serviceId: hidden.body.id }), 404, 'SERVICE_NOT_FOUND'],
      ['book: disabled venue', () => system.http().post(`/public/venues/${other.id}/bookings`, good), 404, 'VENUE_NOT_FOUND'],
      ['book: off the slot grid', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, startsAt: localAt(v.venue.timezone, 3, '10:10') }), 422, 'SLOT_NOT_BOOKABLE'],
      ['book: in the past', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, startsAt: localAt(v.venue.timezone, -2, '10:00') }), 422, 'SLOT_NOT_BOOKABLE'],
      ['book: beyond the horizon', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, startsAt: localAt(v.venue.timezone, 400, '10:00') }), 422, 'SLOT_NOT_BOOKABLE'],
      ['book: performer of another venue', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, staffId: other.id }), 409, 'SLOT_TAKEN'],
      ['book: the booked slot', () => system.http().post(`/public/venues/${v.venue.id}/bookings`, { ...good, startsAt: localAt(v.venue.timezone, 10, '10:30') }), 409, 'SLOT_TAKEN'],
      ['reschedule: no body', () => system.http().post(`/public/bookings/${token}/reschedule`), 400, 'VALIDATION_FAILED'],
      ['reschedule: bad start', () => system.http().post(`/public/bookings/${token}/reschedule`, { startsAt: 'soon' }), 400, 'VALIDATION_FAILED'],
      ['reschedule: off the grid', () => system.http().post(`/public/bookings/${token}/reschedule`, { startsAt: localAt(v.venue.timezone, 11, '10:05') }), 422, 'SLOT_NOT_BOOKABLE'],
    ];
    for (const [name, call, status, code] of cases) {
      const res = await call();
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status, code });
    }
    expect(await counts()).toEqual(before);
  });

  it('a tampered, truncated or foreign manage token gets the same 404 on every route', async () => {
    const raw = Buffer.from(token, 'base64url');
    const flipped = Buffer.from(raw);
    flipped[30] ^= 0x04;
    const otherBooking = Buffer.from(raw);
    otherBooking[3] ^= 0x01;
    const bad = [flipped.toString('base64url'), otherBooking.toString('base64url'), token.slice(0, -1), `${token}x`, 'nonsense', '%2e%2e'];
    const before = await counts();
    const bodies = new Set<string>();
    for (const t of bad) {
      for (const res of [
        await system.http().get(`/public/bookings/${t}`),
        await system.http().post(`/public/bookings/${t}/cancel`),
        await system.http().post(`/public/bookings/${t}/reschedule`, { startsAt: localAt(v.venue.timezone, 12, '10:00') }),
      ]) {
        expect(res.status).toBe(404);
        bodies.add(JSON.stringify(res.body));
      }
    }
    expect([...bodies]).toEqual([JSON.stringify({ statusCode: 404, code: 'BOOKING_NOT_FOUND', message: 'This booking link is not valid, or the booking was cancelled' })]);
    expect(await counts()).toEqual(before);
    // The real one still works.
    await system.http().get(`/public/bookings/${token}`).expect(200);
  });

  it('refuses changes after the cut-off (422 CANCELLATION_CUTOFF) and changes nothing', async () => {
    const soon = DateTime.now().setZone(v.venue.timezone).plus({ hours: 3 }).startOf('hour');
    const booked = await system
      .http()
      .post(`/public/venues/${v.venue.id}/bookings`, { serviceId: v.service.id, startsAt: soon.toISO(), customer: customer('late') })
      .expect(201);
    const before = await counts();
    const cancel = await system.http().post(`/public/bookings/${booked.body.manageToken}/cancel`).expect(422);
    expect(cancel.body.code).toBe('CANCELLATION_CUTOFF');
    const move = await system.http().post(`/public/bookings/${booked.body.manageToken}/reschedule`, { startsAt: localAt(v.venue.timezone, 20, '10:00') }).expect(422);
    expect(move.body.code).toBe('CANCELLATION_CUTOFF');
    const view = await system.http().get(`/public/bookings/${booked.body.manageToken}`).expect(200);
    expect(view.body.canChange).toBe(false);
    expect(await counts()).toEqual(before);
  });

  it('rate-limits every /public route together per address, counted in Redis', async () => {
    const limited = await TestSystem.start({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const venue = await limited.factory.venue();
      const calls = [
        () => limited.http().get(`/public/venues/${venue.id}/services`),
        () => limited.http().get(`/public/bookings/${token}`),
        () => limited.http().post(`/public/venues/${venue.id}/bookings`, {}),
      ];
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await calls[i % calls.length]();
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect(last!.body.code).toBe('RATE_LIMITED');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      // The count lives in Redis, where every api process of the deployment reads it.
      const redis = limited.get<RedisService>(RedisService);
      const keys = await redis.client.keys(redis.key('public', 'rate', '*'));
      expect(keys).toHaveLength(1);
      expect(Number(await redis.client.get(keys[0]))).toBe(7);
      // Authenticated /v1 routes are not limited by it.
      await limited.http(limited.adminToken()).get(`/v1/venues/${venue.id}`).expect(200);
    } finally {
      await limited.stop();
    }
  });
});
