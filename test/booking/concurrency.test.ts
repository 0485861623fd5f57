import { AvailabilityService } from '@calbridge/booking';
import { TestSystem } from '../support/test-system';
import { bookableVenue, customer, localAt } from './booking-fixture';

describe('self-booking under concurrency: never a double booking', () => {
  let system: TestSystem;

  beforeAll(async () => {
    // A pool big enough that the 50 requests really race for the lock rather than queue for connections.
    system = await TestSystem.start({ env: { DATABASE_POOL_SIZE: '20', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => system?.stop());

  const book = (venueId: string, serviceId: string, startsAt: string, n: number, staffId?: string) =>
    system.http().post(`/public/venues/${venueId}/bookings`, { serviceId, startsAt, customer: customer(`c${n}`), ...(staffId ? { staffId } : {}) });

  async function activeAssignments(staffIds: string[]) {
    return system.dataSource.query(
      `SELECT staff_id, starts_at FROM job_assignments WHERE staff_id = ANY($1::uuid[]) AND active ORDER BY staff_id`,
      [staffIds],
    );
  }

  it('50 concurrent bookings of one slot of one performer: exactly one 201, 49 409 SLOT_TAKEN', async () => {
    const { venue, staff, service } = await bookableVenue(system);
    const startsAt = localAt(venue.timezone, 3, '10:00');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => book(venue.id, service.id, startsAt, i)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('SLOT_TAKEN');
    expect(await activeAssignments([staff[0].id])).toHaveLength(1);
    // Nothing half-written by the losers: one job, one booking, one customer.
    const [{ jobs, bookings, customers }] = await system.dataSource.query(
      `SELECT (SELECT count(*)::int FROM jobs WHERE venue_id = $1) AS jobs, (SELECT count(*)::int FROM bookings WHERE venue_id = $1) AS bookings,
              (SELECT count(DISTINCT customer_id)::int FROM jobs WHERE venue_id = $1) AS customers`,
      [venue.id],
    );
    expect({ jobs, bookings, customers }).toEqual({ jobs: 1, bookings: 1, customers: 1 });
  });

  it('50 concurrent bookings of a slot with two free performers: exactly two 201, one per performer', async () => {
    const { venue, staff, service } = await bookableVenue(system, { performers: 2 });
    const startsAt = localAt(venue.timezone, 3, '11:00');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => book(venue.id, service.id, startsAt, i)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(48);
    const rows = await activeAssignments(staff.map((s) => s.id));
    expect(rows.map((r: { staff_id: string }) => r.staff_id).sort()).toEqual(staff.map((s) => s.id).sort());
  });

  it('buffers and slot overlap under concurrency: overlapping starts of one performer, one wins', async () => {
    const { venue, staff, service } = await bookableVenue(system, {
      service: { durationMinutes: 60, bufferAfterMinutes: 30 },
      booking: { slotIntervalMinutes: 15 },
    });
    // 10:00, 10:15, ... 11:15: any two of these collide (one's appointment with the other's, or
    // with the other's 30-minute buffer after it: a booked job keeps its buffers clear).
    const starts = ['10:00', '10:15', '10:30', '10:45', '11:00', '11:15'].map((t) => localAt(venue.timezone, 4, t));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => book(venue.id, service.id, starts[i % starts.length], i)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'SLOT_TAKEN')).toBe(true);
    expect(await activeAssignments([staff[0].id])).toHaveLength(1);
  });

  it('round robin: without a chosen performer, the one with the fewest bookings that day gets it (ties by id)', async () => {
    const { venue, staff, service } = await bookableVenue(system, { performers: 3 });
    const ids = staff.map((s) => s.id).sort();
    const zone = venue.timezone;
    const winners: string[] = [];
    for (const [n, t] of ['09:00', '10:00', '11:00', '12:00'].entries()) {
      const res = await book(venue.id, service.id, localAt(zone, 5, t), 100 + n).expect(201);
      const [row] = await system.dataSource.query('SELECT staff_id FROM job_assignments WHERE job_id = $1', [res.body.jobId]);
      winners.push(row.staff_id);
    }
    expect(winners).toEqual([ids[0], ids[1], ids[2], ids[0]]);
    // A chosen performer is honoured (when free) and refused when not.
    const chosen = await book(venue.id, service.id, localAt(zone, 5, '13:00'), 200, ids[2]).expect(201);
    const [row] = await system.dataSource.query('SELECT staff_id FROM job_assignments WHERE job_id = $1', [chosen.body.jobId]);
    expect(row.staff_id).toBe(ids[2]);
    const busy = await book(venue.id, service.id, localAt(zone, 5, '13:00'), 201, ids[2]).expect(409);
    expect(busy.body.code).toBe('SLOT_TAKEN');
  });

  it('with the checks switched off, the exclusion constraint alone lets one through and the answer is 409 SLOT_TAKEN, never 500', async () => {
    /** Claims every performer is free: only Postgres stands between the requests and a double booking. */
    class ChecksOff extends AvailabilityService {
      override async freeStaffAt(...args: Parameters<AvailabilityService['freeStaffAt']>): Promise<string[]> {
        const [, service, , options] = args;
        return options?.staffId ? [options.staffId] : service.staffIds;
      }
    }
    const bare = await TestSystem.start({
      env: { DATABASE_POOL_SIZE: '20', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' },
      overrideApi: (b) => b.overrideProvider(AvailabilityService).useClass(ChecksOff),
    });
    try {
      const { venue, staff, service } = await bookableVenue(bare);
      const startsAt = localAt(venue.timezone, 3, '10:00');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          bare.http().post(`/public/venues/${venue.id}/bookings`, { serviceId: service.id, startsAt, customer: customer(`x${i}`) }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'SLOT_TAKEN')).toHaveLength(19);
      const [{ n }] = await bare.dataSource.query('SELECT count(*)::int AS n FROM job_assignments WHERE staff_id = $1 AND active', [staff[0].id]);
      expect(n).toBe(1);
      const [{ jobs }] = await bare.dataSource.query('SELECT count(*)::int AS jobs FROM jobs WHERE venue_id = $1', [venue.id]);
      expect(jobs).toBe(1);
    } finally {
      await bare.stop();
    }
  });
});
