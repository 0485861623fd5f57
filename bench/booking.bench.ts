import { Client } from 'pg';
import { Agent, request } from 'node:http';
import { AvailabilityRepository } from '@calbridge/booking';
import { DateTime } from 'luxon';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startBenchSystem } from './support/bench-system';
import { ms, summarize } from './support/stats';

const PERFORMERS = 50;
const JOBS = 200_000;
const SLOTS = 50_000;
const DAYS = JOBS / PERFORMERS / 5; // five jobs a day per performer: 800 days
const ZONE = 'Europe/Berlin';

/**
 * Self-booking (issue 11). A venue with 50 performers working Monday-Saturday 08:00-18:00, 200,000
 * jobs (five a day each, 60-90 minutes, 10 % cancelled) and 50,000 blocked slots over the next
 * 800 days; a 30-minute service with a 10-minute buffer on a 15-minute grid.
 * 1. p50/p99 of GET /public/venues/:id/availability over 7 and 28 days through HTTP.
 * 2. 200 concurrent booking attempts on 20 free slots of another venue: throughput, and exactly 20 won.
 */
export async function run(): Promise<Record<string, unknown>> {
  const ids: { venueId?: string; serviceId?: string; smallVenueId?: string; smallServiceId?: string } = {};
  const system = await startBenchSystem({
    name: 'booking',
    env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_POOL_SIZE: '20' },
    prepare: async (url) => {
      Object.assign(ids, await fill(url));
    },
  });
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const today = DateTime.now().setZone(ZONE).startOf('day');
    const cpu = await cpuMeter(system.databaseUrl);
    const measure = async (days: number, n: number) => {
      const times: number[] = [];
      let slots = 0;
      const before = await cpu.sample();
      for (let i = 0; i < n; i++) {
        const from = today.plus({ days: 1 + ((i * 104729) % (DAYS - days - 2)) });
        const url = `${system.baseUrl}/public/venues/${ids.venueId}/availability?serviceId=${ids.serviceId}&from=${encodeURIComponent(from.toISO()!)}&to=${encodeURIComponent(from.plus({ days }).toISO()!)}`;
        const t0 = process.hrtime.bigint();
        const body = await call(agent, 'GET', url);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        slots += (JSON.parse(body.text) as { slots: unknown[] }).slots.length;
      }
      const used = cpu.since(before, await cpu.sample(), n);
      return { ...summarize(times), meanSlots: slots / n, cpuMsPerRequest: used };
    };
    await measure(7, 100); // warm-up (JIT, plan cache, buffer cache)
    const week = await measure(7, 1_000);
    const month = await measure(28, 300);
    agent.destroy();
    // The same statement without HTTP, Nest and the venue/service lookups: what the database takes.
    const repo = system.api!.get(AvailabilityRepository);
    const direct = async (days: number, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const from = today.plus({ days: 1 + ((i * 7919) % (DAYS - days - 2)) });
        const t0 = process.hrtime.bigint();
        await repo.freeSlots({
          venueId: ids.venueId!,
          timezone: ZONE,
          serviceId: ids.serviceId!,
          from: from.toJSDate(),
          to: from.plus({ days }).toJSDate(),
          durationMinutes: 30,
          bufferBeforeMinutes: 0,
          bufferAfterMinutes: 10,
          slotIntervalMinutes: 15,
          withoutStaff: true,
        });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return summarize(times);
    };
    const weekSql = await direct(7, 300);
    const monthSql = await direct(28, 100);
    console.log(`statement alone 7 days: p50 ${ms(weekSql.p50)}  p99 ${ms(weekSql.p99)};  28 days: p50 ${ms(monthSql.p50)}  p99 ${ms(monthSql.p99)}`);
    const cpuText = (c: { postgres: number; node: number }) => `CPU per request: Postgres ${ms(c.postgres)}, api + client ${ms(c.node)}`;
    console.log(`availability 7 days:  p50 ${ms(week.p50)}  p99 ${ms(week.p99)}  (${week.n} requests, ${week.meanSlots.toFixed(0)} slots each; ${cpuText(week.cpuMsPerRequest)})`);
    console.log(`availability 28 days: p50 ${ms(month.p50)}  p99 ${ms(month.p99)}  (${month.n} requests, ${month.meanSlots.toFixed(0)} slots each; ${cpuText(month.cpuMsPerRequest)})`);
    await cpu.close();

    const race = await bookingRace(system.baseUrl!, ids.smallVenueId!, ids.smallServiceId!, system.databaseUrl);
    console.log(
      `200 concurrent bookings on 20 slots: ${race.won} won (${race.refused} x 409 SLOT_TAKEN, ${race.other} other) in ${race.seconds.toFixed(2)} s: ${race.perSecond.toFixed(0)} attempts/s; overlapping active assignments: ${race.overlaps}`,
    );
    console.log(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
    return {
      loadAverage: loadavg(),
      performers: PERFORMERS,
      jobs: JOBS,
      blockedSlots: SLOTS,
      week,
      month,
      statementAlone: { week: weekSql, month: monthSql },
      race,
      targets: { weekP99Ms: 20, monthP99Ms: 60, raceWon: 20 },
    };
  } finally {
    await system.stop();
  }
}

/** Bulk-loads the scenario with SQL (through the services it would take hours). */
export async function fill(url: string): Promise<{ venueId: string; serviceId: string; smallVenueId: string; smallServiceId: string }> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const t0 = Date.now();
    const start = DateTime.now().setZone(ZONE).startOf('day').toISODate();
    const venue = await db.query(
      `INSERT INTO venues (name, timezone, booking_enabled, booking_min_notice_minutes, booking_horizon_days, booking_slot_interval_minutes)
       VALUES ('Bench Salon', $1, true, 0, 730, 15) RETURNING id`,
      [ZONE],
    );
    const venueId: string = venue.rows[0].id;
    await db.query(`INSERT INTO staff (name, email) SELECT 'Performer ' || i, 'performer' || i || '@bench.example' FROM generate_series(1, ${PERFORMERS}) i`);
    await db.query(`INSERT INTO staff_venues (staff_id, venue_id) SELECT id, $1 FROM staff`, [venueId]);
    await db.query(
      `INSERT INTO booking_working_hours (staff_id, venue_id, weekday, starts, ends) SELECT s.id, $1, d, '08:00', '18:00' FROM staff s, generate_series(1, 6) d`,
      [venueId],
    );
    const service = await db.query(
      `INSERT INTO booking_services (venue_id, name, duration_minutes, buffer_after_minutes) VALUES ($1, 'Cut', 30, 10) RETURNING id`,
      [venueId],
    );
    const serviceId: string = service.rows[0].id;
    await db.query(`INSERT INTO booking_service_performers (service_id, staff_id) SELECT $1, id FROM staff`, [serviceId]);
    // Five jobs a day per performer at 08:00, 10:00, 12:00, 14:00, 16:00 local, 60-90 minutes.
    await db.query(
      `CREATE TEMP TABLE gen AS
       SELECT s.id AS staff_id, k, gen_random_uuid() AS job_id,
              (($1::date + (k / 5)) + make_interval(hours => 8 + 2 * (k % 5))) AT TIME ZONE $2 AS starts_at,
              make_interval(mins => 60 + 15 * (k % 3)) AS len
         FROM staff s, generate_series(0, ${JOBS / PERFORMERS - 1}) k`,
      [start, ZONE],
    );
    await db.query(
      `INSERT INTO jobs (id, venue_id, title, starts_at, ends_at, status)
       SELECT job_id, $1, 'Job ' || k, starts_at, starts_at + len, CASE WHEN k % 10 = 3 THEN 'cancelled' ELSE 'confirmed' END FROM gen`,
      [venueId],
    );
    await db.query(`
      INSERT INTO job_assignments (job_id, staff_id, role, starts_at, ends_at, active)
      SELECT job_id, staff_id, 'lead', starts_at, starts_at + len, k % 10 <> 3 FROM gen`);
    // A thousand blocked slots per performer: lunch breaks (13:35-13:55) and evening appointments pulled from calendars.
    await db.query(
      `INSERT INTO blocked_slots (staff_id, starts_at, ends_at, source, reason)
       SELECT s.id, t, t + interval '20 minutes', CASE WHEN k % 2 = 0 THEN 'manual' ELSE 'external' END, 'bench'
         FROM staff s, generate_series(0, ${SLOTS / PERFORMERS - 1}) k,
              LATERAL (SELECT (($1::date + (k * ${DAYS} / ${SLOTS / PERFORMERS})) + CASE WHEN k % 2 = 0 THEN interval '13:35' ELSE interval '18:30' END) AT TIME ZONE $2 AS t) x`,
      [start, ZONE],
    );
    // The race: one performer, 09:00-14:00 tomorrow, a 15-minute service on a 15-minute grid: 20 slots.
    const small = await db.query(
      `INSERT INTO venues (name, timezone, booking_enabled, booking_min_notice_minutes, booking_slot_interval_minutes)
       VALUES ('Race', $1, true, 0, 15) RETURNING id`,
      [ZONE],
    );
    const smallVenueId: string = small.rows[0].id;
    const racer = await db.query(`INSERT INTO staff (name, email) VALUES ('Racer', 'racer@bench.example') RETURNING id`);
    await db.query(`INSERT INTO staff_venues (staff_id, venue_id) VALUES ($1, $2)`, [racer.rows[0].id, smallVenueId]);
    const tomorrow = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 1 });
    await db.query(
      `INSERT INTO booking_working_hour_exceptions (staff_id, venue_id, day, starts, ends) VALUES ($1, $2, $3, '09:00', '14:00')`,
      [racer.rows[0].id, smallVenueId, tomorrow.toISODate()],
    );
    const smallService = await db.query(
      `INSERT INTO booking_services (venue_id, name, duration_minutes) VALUES ($1, 'Quick', 15) RETURNING id`,
      [smallVenueId],
    );
    await db.query(`INSERT INTO booking_service_performers (service_id, staff_id) VALUES ($1, $2)`, [smallService.rows[0].id, racer.rows[0].id]);
    await db.query('ANALYZE');
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM job_assignments) AS assignments, (SELECT count(*) FROM blocked_slots) AS slots`,
    );
    console.log(`loaded ${rows[0].jobs} jobs, ${rows[0].assignments} assignments, ${rows[0].slots} blocked slots in ${Date.now() - t0} ms`);
    return { venueId, serviceId, smallVenueId, smallServiceId: smallService.rows[0].id };
  } finally {
    await db.end();
  }
}

async function bookingRace(baseUrl: string, venueId: string, serviceId: string, databaseUrl: string) {
  const tomorrow = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 1 });
  const starts = Array.from({ length: 20 }, (_, i) => tomorrow.set({ hour: 9 }).plus({ minutes: 15 * i }).toISO()!);
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      call(agent, 'POST', `${baseUrl}/public/venues/${venueId}/bookings`, {
        serviceId,
        startsAt: starts[i % starts.length],
        customer: { firstName: 'Race', lastName: `Runner ${i}`, email: `runner${i}@bench.example` },
      }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const overlaps = await db.query(
      `SELECT count(*)::int AS n FROM job_assignments a JOIN job_assignments b
         ON a.staff_id = b.staff_id AND a.id < b.id AND a.active AND b.active AND a.during && b.during`,
    );
    return {
      attempts: results.length,
      won: results.filter((r) => r.status === 201).length,
      refused: results.filter((r) => r.status === 409).length,
      other: results.filter((r) => r.status !== 201 && r.status !== 409).length,
      seconds,
      perSecond: results.length / seconds,
      overlaps: overlaps.rows[0].n,
    };
  } finally {
    await db.end();
  }
}

function call(agent: Agent, method: string, url: string, body?: object): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const req = request(url, { agent, method, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (method === 'GET' && res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${text}`));
        else resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * CPU time (not wall time) spent by this process and by the Postgres backends serving the bench
 * database, from /proc: on a machine shared with other work, latency percentiles measure the
 * queue for the cores as much as the code; CPU per request does not.
 */
async function cpuMeter(databaseUrl: string) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const ticksPerMs = 100 / 1000; // USER_HZ (getconf CLK_TCK) is 100 on Linux
  const backendTicks = async (): Promise<number> => {
    const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    let total = 0;
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        total += Number(fields[11]) + Number(fields[12]);
      } catch {
        // the backend ended
      }
    }
    return total;
  };
  return {
    sample: async () => ({ pg: await backendTicks(), node: process.cpuUsage() }),
    since(a: { pg: number; node: NodeJS.CpuUsage }, b: { pg: number; node: NodeJS.CpuUsage }, n: number) {
      const node = process.cpuUsage(a.node);
      return { postgres: (b.pg - a.pg) / ticksPerMs / n, node: (node.user + node.system) / 1000 / n };
    },
    close: () => db.end(),
  };
}
