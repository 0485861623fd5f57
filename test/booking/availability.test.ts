import { AvailabilityRepository } from '@calbridge/booking';
import { DateTime } from 'luxon';
import { TestSystem } from '../support/test-system';
import { bookableVenue, EVERY_DAY, localAt } from './booking-fixture';

/** The first local date from tomorrow on whose UTC offset differs from the day before's (a DST switch). */
function nextSwitch(zone: string, direction: 'forward' | 'back'): DateTime {
  let day = DateTime.now().setZone(zone).startOf('day').plus({ days: 1 });
  for (let i = 0; i < 800; i++, day = day.plus({ days: 1 })) {
    const before = day.minus({ days: 1 }).set({ hour: 12 }).offset;
    const after = day.set({ hour: 12 }).offset;
    if ((direction === 'forward' && after > before) || (direction === 'back' && after < before)) return day;
  }
  throw new Error(`no DST switch in ${zone}`);
}

describe('availability', () => {
  let system: TestSystem;
  const q = (v: string) => encodeURIComponent(v);

  beforeAll(async () => {
    system = await TestSystem.start({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => system?.stop());

  async function slots(venueId: string, serviceId: string, from: string, to: string, token?: string, staffId?: string) {
    const base = token ? `/v1/venues/${venueId}/availability` : `/public/venues/${venueId}/availability`;
    const res = await system
      .http(token)
      .get(`${base}?serviceId=${serviceId}&from=${q(from)}&to=${q(to)}${staffId ? `&staffId=${staffId}` : ''}`)
      .expect(200);
    return res.body as { timezone: string; slots: Array<{ startsAt: string; endsAt: string; staffIds?: string[] }> };
  }

  const localTimes = (zone: string, body: { slots: Array<{ startsAt: string }> }) =>
    body.slots.map((s) => DateTime.fromISO(s.startsAt, { zone }).toFormat('MM-dd HH:mm ZZ'));

  for (const [zone, direction] of [
    ['Europe/Berlin', 'forward'],
    ['Europe/Berlin', 'back'],
    ['America/New_York', 'forward'],
    ['America/New_York', 'back'],
  ] as const) {
    it(`keeps 09:00-11:00 wall-clock hours across the DST switch (${zone}, ${direction})`, async () => {
      const switchDay = nextSwitch(zone, direction);
      const { venue, service } = await bookableVenue(system, {
        timezone: zone,
        weekly: EVERY_DAY.map((day) => ({ day, start: '09:00', end: '11:00' })),
        booking: { horizonDays: 730, slotIntervalMinutes: 60 },
      });
      const from = switchDay.minus({ days: 1 });
      const body = await slots(venue.id, service.id, from.toISO()!, switchDay.plus({ days: 1 }).toISO()!);
      expect(body.timezone).toBe(zone);
      const local = localTimes(zone, body);
      const fmt = (d: DateTime, h: number) => d.set({ hour: h }).toFormat('MM-dd HH:mm ZZ');
      expect(local).toEqual([fmt(from, 9), fmt(from, 10), fmt(switchDay, 9), fmt(switchDay, 10)]);
      // The offsets differ on the two days: the same wall clock, different instants.
      expect(local[0].slice(-6)).not.toBe(local[2].slice(-6));
      // Each answer's start carries the venue's offset of that day.
      for (const s of body.slots) expect(DateTime.fromISO(s.startsAt, { setZone: true }).offset).toBe(DateTime.fromISO(s.startsAt, { zone }).offset);
    });
  }

  it('subtracts active jobs widened by the buffers and blocked slots; cancelled jobs do not count', async () => {
    const zone = 'Europe/Berlin';
    const { venue, staff, service, admin } = await bookableVenue(system, {
      service: { durationMinutes: 60, bufferBeforeMinutes: 15, bufferAfterMinutes: 15 },
      booking: { slotIntervalMinutes: 15 },
    });
    const job = await system.factory.job({ venueId: venue.id, startsAt: localAt(zone, 4, '12:00'), endsAt: localAt(zone, 4, '13:00'), status: 'confirmed' });
    await system.factory.assign(job.id, staff[0].id);
    const cancelled = await system.factory.job({ venueId: venue.id, startsAt: localAt(zone, 4, '09:00'), endsAt: localAt(zone, 4, '10:00'), status: 'cancelled' });
    await system.factory.assign(cancelled.id, staff[0].id);
    await system.factory.blockedSlot(staff[0].id, { startsAt: localAt(zone, 4, '15:00'), endsAt: localAt(zone, 4, '15:30') });

    const body = await slots(venue.id, service.id, localAt(zone, 4, '00:00'), localAt(zone, 5, '00:00'));
    const hm = body.slots.map((s) => DateTime.fromISO(s.startsAt, { zone }).toFormat('HH:mm'));
    // Before the job: end + 15 min buffer <= 12:00. After it: start - 15 min >= 13:00, and the
    // slot plus buffers clear of 15:00-15:30; the last start ends by 17:00.
    expect(hm).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '13:15', '13:30', '13:45', '15:45', '16:00']);

    // Dispatchers see who is free.
    const mine = await slots(venue.id, service.id, localAt(zone, 4, '00:00'), localAt(zone, 5, '00:00'), admin, staff[0].id);
    expect(mine.slots.every((s) => s.staffIds?.join() === staff[0].id)).toBe(true);
    expect(mine.slots).toHaveLength(hm.length);
  });

  it('follows dated exceptions: a day off and changed hours replace the weekly rules of that date', async () => {
    const zone = 'America/New_York';
    const { venue, staff, service, admin } = await bookableVenue(system, { timezone: zone, booking: { slotIntervalMinutes: 60 } });
    const dayOff = DateTime.fromISO(localAt(zone, 6, '00:00'), { zone });
    const short = dayOff.plus({ days: 1 });
    await system
      .http(admin)
      .put(`/v1/staff/${staff[0].id}/working-hours/${venue.id}`, {
        weekly: EVERY_DAY.map((day) => ({ day, start: '09:00', end: '17:00' })),
        exceptions: [
          { date: dayOff.toISODate(), ranges: [] },
          { date: short.toISODate(), ranges: [{ start: '10:00', end: '11:00' }, { start: '15:00', end: '17:00' }] },
        ],
      })
      .expect(200);
    const got = await system.http(admin).get(`/v1/staff/${staff[0].id}/working-hours/${venue.id}`).expect(200);
    expect(got.body.exceptions).toEqual([
      { date: dayOff.toISODate(), ranges: [] },
      { date: short.toISODate(), ranges: [{ start: '10:00', end: '11:00' }, { start: '15:00', end: '17:00' }] },
    ]);
    const body = await slots(venue.id, service.id, dayOff.toISO()!, short.plus({ days: 1 }).toISO()!);
    expect(localTimes(zone, body)).toEqual(['10:00', '15:00', '16:00'].map((t) => short.set({ hour: Number(t.slice(0, 2)) }).toFormat('MM-dd HH:mm ZZ')));
  });

  it('applies minimum notice and horizon', async () => {
    const { venue, service, admin } = await bookableVenue(system, {
      weekly: EVERY_DAY.map((day) => ({ day, start: '00:00', end: '24:00' })),
      booking: { minNoticeMinutes: 600, horizonDays: 2, slotIntervalMinutes: 60 },
    });
    const now = Date.now();
    const body = await slots(venue.id, service.id, new Date(now - 86_400_000).toISOString(), new Date(now + 10 * 86_400_000).toISOString());
    const starts = body.slots.map((s) => new Date(s.startsAt).getTime());
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(now + 600 * 60_000);
    expect(Math.min(...starts)).toBeLessThan(now + 600 * 60_000 + 3600_000 + 5000);
    expect(Math.max(...starts)).toBeLessThan(now + 2 * 86_400_000 + 5000);
    await system.http(admin).patch(`/v1/venues/${venue.id}`, { booking: { horizonDays: 1 } }).expect(200);
    const shorter = await slots(venue.id, service.id, new Date(now).toISOString(), new Date(now + 10 * 86_400_000).toISOString());
    expect(shorter.slots.length).toBeLessThan(body.slots.length);
  });

  it('reads the big tables by index (EXPLAIN of the one statement)', async () => {
    const { venue, staff, service } = await bookableVenue(system, { performers: 3 });
    // Enough rows that a sequential scan would be the planner's choice if the indexes did not fit.
    await system.dataSource.query(
      `WITH s AS (SELECT id FROM staff), g AS (
         INSERT INTO jobs (venue_id, title, starts_at, ends_at, status)
         SELECT $1, 'bulk', now() + make_interval(hours => k), now() + make_interval(hours => k) + interval '30 minutes', 'confirmed'
           FROM generate_series(1, 20000) k RETURNING id, starts_at, ends_at)
       INSERT INTO job_assignments (job_id, staff_id, starts_at, ends_at, active)
       SELECT g.id, (SELECT id FROM s ORDER BY id OFFSET (abs(hashtext(g.id::text)) % (SELECT count(*) FROM s)) LIMIT 1), g.starts_at, g.ends_at, true FROM g
       ON CONFLICT DO NOTHING`,
      [venue.id],
    );
    await system.dataSource.query(
      `INSERT INTO blocked_slots (staff_id, starts_at, ends_at, source)
       SELECT s.id, now() + make_interval(hours => k, mins => 40), now() + make_interval(hours => k, mins => 50), 'external'
         FROM staff s, generate_series(1, 5000) k`,
    );
    await system.dataSource.query('ANALYZE');
    const plan = await system.get<AvailabilityRepository>(AvailabilityRepository).explain({
      venueId: venue.id,
      timezone: venue.timezone,
      serviceId: service.id,
      from: new Date(Date.now() + 86_400_000),
      to: new Date(Date.now() + 8 * 86_400_000),
      durationMinutes: 60,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      slotIntervalMinutes: 15,
    });
    expect(staff).toHaveLength(3);
    expect(plan).toMatch(/(Index (Only )?Scan using|Bitmap Index Scan on) job_assignments_no_overlap/);
    expect(plan).toMatch(/(Index Scan using|Bitmap Index Scan on) blocked_slots_staff_during_idx/);
    expect(plan).not.toMatch(/Seq Scan on (job_assignments|blocked_slots)/);
  });
});
