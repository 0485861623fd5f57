import { Client } from 'pg';
import { Agent, request } from 'node:http';
import { startBenchSystem } from './support/bench-system';
import { ms, summarize } from './support/stats';

const STAFF = 1_000;
const JOBS = 200_000;
const SLOTS = 50_000;
const DAYS = 730;
const VENUES = 10;

/**
 * Busy time (issue: foundation): 1,000 staff, 200,000 jobs over two years, 50,000 blocked
 * slots; p50/p99 of GET /v1/staff/:id/busy for 7-day and 365-day windows, through HTTP against
 * the api running in this process on the real database.
 */
export async function run(): Promise<Record<string, unknown>> {
  const start = new Date(Date.UTC(2026, 0, 5));
  const system = await startBenchSystem({ name: 'busy', prepare: (url) => fill(url, start) });
  try {
    const token = system.token('admin');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const staffIds = await staffIdsOf(system.databaseUrl);
    const measure = async (days: number, n: number) => {
      const times: number[] = [];
      let intervals = 0;
      for (let i = 0; i < n; i++) {
        const staffId = staffIds[(i * 7919) % staffIds.length];
        const offset = (i * 104729) % (DAYS - days);
        const from = new Date(start.getTime() + offset * 86_400_000).toISOString();
        const to = new Date(start.getTime() + (offset + days) * 86_400_000).toISOString();
        const t0 = process.hrtime.bigint();
        const body = await get(agent, `${system.baseUrl}/v1/staff/${staffId}/busy?from=${from}&to=${to}`, token);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        intervals += (JSON.parse(body) as { intervals: unknown[] }).intervals.length;
      }
      return { ...summarize(times), meanIntervals: intervals / n };
    };
    await measure(7, 200); // warm-up (JIT, plan cache, buffer cache)
    const week = await measure(7, 2_000);
    const year = await measure(365, 500);
    agent.destroy();
    console.log(`busy 7 days:   p50 ${ms(week.p50)}  p99 ${ms(week.p99)}  (${week.n} requests, ${week.meanIntervals.toFixed(1)} intervals each)`);
    console.log(`busy 365 days: p50 ${ms(year.p50)}  p99 ${ms(year.p99)}  (${year.n} requests, ${year.meanIntervals.toFixed(1)} intervals each)`);
    return { staff: STAFF, jobs: JOBS, blockedSlots: SLOTS, week, year, targets: { weekP99Ms: 10, yearP99Ms: 50 } };
  } finally {
    await system.stop();
  }
}

/** Bulk-loads the scenario with SQL (the services would take an hour for 200,000 jobs). */
async function fill(url: string, start: Date): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const t0 = Date.now();
    await db.query(`INSERT INTO venues (name, timezone) SELECT 'Venue ' || i, 'Europe/Berlin' FROM generate_series(1, ${VENUES}) i`);
    await db.query(
      `INSERT INTO staff (name, email) SELECT 'Staff ' || i, 'staff' || i || '@bench.example' FROM generate_series(1, ${STAFF}) i`,
    );
    await db.query(`
      INSERT INTO staff_venues (staff_id, venue_id)
      SELECT s.id, v.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM staff) s
      JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM venues) v ON v.n = 1 + (s.n % ${VENUES})`);
    // 200 jobs per person over two years: one every ~3.65 days, 1-3 hours long, at 08:00-16:00 UTC.
    const perStaff = JOBS / STAFF;
    await db.query(
      `CREATE TEMP TABLE gen AS
       SELECT s.id AS staff_id, sv.venue_id, k,
              $1::timestamptz + make_interval(days => (k * ${DAYS} / ${perStaff})::int, hours => 8 + (k % 8)) AS starts_at,
              make_interval(hours => 1 + (k % 3)) AS len
         FROM staff s JOIN staff_venues sv ON sv.staff_id = s.id, generate_series(0, ${perStaff - 1}) k`,
      [start],
    );
    await db.query(`ALTER TABLE gen ADD COLUMN job_id uuid DEFAULT gen_random_uuid()`);
    await db.query(`
      INSERT INTO jobs (id, venue_id, title, starts_at, ends_at, status)
      SELECT job_id, venue_id, 'Job ' || k, starts_at, starts_at + len, CASE WHEN k % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END FROM gen`);
    await db.query(`
      INSERT INTO job_assignments (job_id, staff_id, role, starts_at, ends_at, active)
      SELECT job_id, staff_id, 'lead', starts_at, starts_at + len, k % 10 <> 0 FROM gen`);
    // 50 blocked slots per person, evening hours (some overlap jobs' days, none the jobs themselves).
    const slotsPerStaff = SLOTS / STAFF;
    await db.query(
      `INSERT INTO blocked_slots (staff_id, starts_at, ends_at, source, reason)
       SELECT s.id, $1::timestamptz + make_interval(days => (k * ${DAYS} / ${slotsPerStaff})::int, hours => 18),
              $1::timestamptz + make_interval(days => (k * ${DAYS} / ${slotsPerStaff})::int, hours => 20),
              CASE WHEN k % 2 = 0 THEN 'manual' ELSE 'external' END, 'bench'
         FROM staff s, generate_series(0, ${slotsPerStaff - 1}) k`,
      [start],
    );
    await db.query('ANALYZE');
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM job_assignments) AS assignments, (SELECT count(*) FROM blocked_slots) AS slots`,
    );
    console.log(`loaded ${rows[0].jobs} jobs, ${rows[0].assignments} assignments, ${rows[0].slots} blocked slots in ${Date.now() - t0} ms`);
  } finally {
    await db.end();
  }
}

async function staffIdsOf(url: string): Promise<string[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ id: string }>('SELECT id FROM staff ORDER BY id')).rows.map((r) => r.id);
  } finally {
    await db.end();
  }
}

function get(agent: Agent, url: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${body}`));
        else resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}
