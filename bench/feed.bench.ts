import { FeedsService } from '@calbridge/ical-feed';
import { FeedCache, FeedRenderer } from '@calbridge/ical-feed/testing';
import { JobsService } from '@calbridge/scheduling/testing';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, OutgoingHttpHeaders, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { AppProcess, startProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { startBenchSystem } from './support/bench-system';
import { ms, summarize } from './support/stats';

const JOBS = 2_000;
const JOBS_PER_DAY = 6;
const ZONE = 'Europe/Berlin';
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_FEED_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_FEED_ROUNDS ?? 7);
const ADMIN = { role: 'admin' as const, subject: 'bench-admin', venueIds: [] };

const THREADS = 2;

interface LoadResult {
  rps: number;
  p99: number;
  /** Requests answered in the run. */
  requests: number;
  /** CPU time (user + system, all threads) the server's process spent per request, in µs. */
  cpuUsPerRequest: number;
  /** Answers wrk counts as neither 2xx nor 3xx. */
  unexpected: number;
  errors: number;
}

/**
 * iCal feed (issue #3): one staff member with 2,000 jobs in the feed window.
 *
 * 1. Render time (read + render + assemble, as a poll after a change pays it): cold (no cached
 *    events) and after one job changed (every other event from the event cache).
 * 2. Throughput under `wrk` (C; 2 threads, 50 connections) for a full 200 and for a 304, each
 *    beside a bare Node `http` server in a process of its own answering the same status,
 *    headers and bytes, alternated in rounds so both see the same machine load. Reported:
 *    requests/s, p99 and CPU time per request of each (of the api, which runs in a process of
 *    its own as in production, from /proc; of the bare server, asked over IPC), and the ratios api / bare
 *    (median over rounds). CPU per request depends far less than requests/s on what else runs
 *    on the machine. The api's 304 comes from memory (feed heads kept current by
 *    LISTEN/NOTIFY), its 200 from the render cache.
 */
export async function run(): Promise<Record<string, unknown>> {
  const system = await startBenchSystem({ name: 'feed', prepare: fill });
  let bare: ChildProcess | undefined;
  let apiProcess: AppProcess | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'calbridge-bench-feed-'));
  try {
    const app = system.api!;
    const staffId = await firstStaffId(system.databaseUrl);
    const [feed] = await app.get(FeedsService).list(ADMIN, staffId);
    const feedUrl = `${system.baseUrl}${new URL(feed.url).pathname}`;

    // --- render time -------------------------------------------------------------------------
    const renderer = app.get(FeedRenderer);
    const cache = app.get(FeedCache);
    const venueId = feed.venueId;
    const day = DateTime.now().setZone(ZONE).toISODate()!;
    const renderOnce = async () => {
      const t0 = process.hrtime.bigint();
      const out = await renderer.render(staffId, venueId, ZONE, day);
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: out! };
    };
    await renderOnce(); // warm-up (JIT, plan cache)
    const cold: number[] = [];
    let size = 0;
    let events = 0;
    for (let i = 0; i < 7; i++) {
      cache.events.clear();
      const r = await renderOnce();
      cold.push(r.ms);
      size = r.out.body.length;
      events = r.out.events;
    }
    const jobIds = await jobIdsOf(system.databaseUrl);
    const jobs = app.get(JobsService);
    const afterChange: number[] = [];
    const pollAfterChange: number[] = [];
    let reRendered = 0;
    await get(feedUrl); // the cache holds the current feed
    for (let i = 0; i < 21; i++) {
      await jobs.update(ADMIN, jobIds[(i * 97) % jobIds.length], { title: `Changed ${i}` });
      if (i % 2 === 0) {
        const r = await renderOnce();
        afterChange.push(r.ms);
        reRendered = Math.max(reRendered, r.out.renderedEvents);
      } else {
        const t0 = process.hrtime.bigint();
        await get(feedUrl);
        pollAfterChange.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    const coldStats = summarize(cold);
    const changeStats = summarize(afterChange);
    const pollStats = summarize(pollAfterChange);
    console.log(`feed: ${events} jobs, ${(size / 1024).toFixed(0)} KiB`);
    console.log(`render cold:               p50 ${ms(coldStats.p50)}  max ${ms(coldStats.max)}  (${coldStats.n} renders)`);
    console.log(`render after one change:   p50 ${ms(changeStats.p50)}  max ${ms(changeStats.max)}  (${changeStats.n} renders, ${reRendered} event re-rendered)`);
    console.log(`HTTP poll after one change: p50 ${ms(pollStats.p50)}  max ${ms(pollStats.max)}  (${pollStats.n} polls, end to end)`);

    // --- throughput ----------------------------------------------------------------------------
    // The api under load runs as it does in production: a process of its own (the one above
    // shares this process with the benchmark's own work), against the same database.
    // BENCH_FEED_INLINE=1 measures the api in this process instead.
    let apiUrl = feedUrl;
    let apiCpu = (): Promise<NodeJS.CpuUsage> => Promise.resolve(process.cpuUsage());
    if (process.env.BENCH_FEED_INLINE !== '1') {
      const port = await freePort();
      apiProcess = startProcess('api', { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, OUTBOX_RELAY_ENABLED: 'false' });
      apiUrl = `http://127.0.0.1:${port}${new URL(feedUrl).pathname}`;
      await untilServing(apiUrl, apiProcess);
      const pid = apiProcess.child.pid!;
      apiCpu = () => Promise.resolve(cpuOfPid(pid));
    }
    const full = await get(apiUrl);
    const etag = full.headers.etag as string;
    const bareHeaders = {
      200: pick(full.headers, ['content-type', 'content-disposition', 'content-length', 'etag', 'cache-control', 'last-modified', 'vary', 'x-content-type-options']),
      304: pick((await get(apiUrl, { 'if-none-match': etag })).headers, ['etag', 'cache-control', 'last-modified', 'vary']),
    };
    writeFileSync(join(scratch, 'body.ics'), full.body);
    writeFileSync(join(scratch, 'spec.json'), JSON.stringify({ bodyFile: join(scratch, 'body.ics'), etag, headers200: bareHeaders[200], headers304: bareHeaders[304] }));
    const started = await startBare(join(scratch, 'spec.json'));
    bare = started.child;
    const bareUrl = `http://127.0.0.1:${started.port}${new URL(apiUrl).pathname}`;
    // Both answer alike (status and bytes), or the comparison means nothing.
    const [a304, b304] = [await get(apiUrl, { 'if-none-match': etag }), await get(bareUrl, { 'if-none-match': etag })];
    const b200 = await get(bareUrl);
    if (a304.status !== 304 || b304.status !== 304 || b200.status !== 200 || !b200.body.equals(full.body)) {
      throw new Error('The api and the bare server do not answer alike');
    }
    const conditional = [`If-None-Match: ${etag}`];

    // Each path in its own phase (the 200 runs move megabytes and leave garbage behind), the two
    // servers alternated within a phase and the order flipped every round.
    // Warm-up (not counted): both servers' code paths hot before the first measured round.
    for (const url of [apiUrl, bareUrl]) await wrk(url, [...conditional], 2);
    const rounds: Array<Record<string, LoadResult>> = Array.from({ length: ROUNDS }, () => ({}));
    for (const [name, headers] of [['304', conditional], ['200', []]] as const) {
      for (let round = 0; round < ROUNDS; round++) {
        const r = rounds[round];
        const order = round % 2 === 0 ? (['bare', 'api'] as const) : (['api', 'bare'] as const);
        for (const server of order) {
          const cpu = server === 'api' ? apiCpu : () => cpuOf(bare!);
          const before = await cpu();
          const result = await wrk(server === 'api' ? apiUrl : bareUrl, [...headers]);
          const after = await cpu();
          result.cpuUsPerRequest = round2((after.user + after.system - before.user - before.system) / result.requests);
          r[`${server}${name}`] = result;
        }
        const [api, b] = [r[`api${name}`], r[`bare${name}`]];
        console.log(
          `${name} round ${round + 1}: api ${api.rps.toFixed(0)} / bare ${b.rps.toFixed(0)} req/s = ${((api.rps / b.rps) * 100).toFixed(0)}% | ` +
            `CPU per request api ${api.cpuUsPerRequest} / bare ${b.cpuUsPerRequest} µs`,
        );
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const path = (name: '200' | '304') => {
      const api = rounds.map((r) => r[`api${name}`]);
      const bareRuns = rounds.map((r) => r[`bare${name}`]);
      const ratio = median(rounds.map((r) => r[`api${name}`].rps / r[`bare${name}`].rps));
      const cpuRatio = median(rounds.map((r) => r[`bare${name}`].cpuUsPerRequest / r[`api${name}`].cpuUsPerRequest));
      return {
        api: {
          rps: median(api.map((a) => a.rps)),
          p99Ms: median(api.map((a) => a.p99)),
          cpuUsPerRequest: median(api.map((a) => a.cpuUsPerRequest)),
          unexpected: sum(api.map((a) => a.unexpected)),
          errors: sum(api.map((a) => a.errors)),
        },
        bare: { rps: median(bareRuns.map((a) => a.rps)), p99Ms: median(bareRuns.map((a) => a.p99)), cpuUsPerRequest: median(bareRuns.map((a) => a.cpuUsPerRequest)) },
        ratio,
        /** bare's CPU per request / the api's (median over rounds): less sensitive to the machine's other load than req/s. */
        cpuRatio,
      };
    };
    const ok = path('200');
    const notModified = path('304');
    for (const [label, p, target] of [['full 200', ok, 70], ['304     ', notModified, 80]] as const) {
      console.log(
        `${label}: api ${p.api.rps.toFixed(0)} req/s p99 ${p.api.p99Ms} ms | bare ${p.bare.rps.toFixed(0)} req/s p99 ${p.bare.p99Ms} ms | ratio ${(p.ratio * 100).toFixed(0)}% (target >= ${target}%)` +
          ` | CPU per request api ${p.api.cpuUsPerRequest} / bare ${p.bare.cpuUsPerRequest} µs (bare/api ${(p.cpuRatio * 100).toFixed(0)}%)`,
      );
    }
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
    return {
      jobs: events,
      feedBytes: size,
      renderColdMs: coldStats,
      renderAfterOneChangeMs: changeStats,
      httpPollAfterOneChangeMs: pollStats,
      loadGenerator: `wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s`,
      api: apiProcess ? 'its own process' : 'in the benchmark process',
      loadAverage: loadavg(),
      connections: CONNECTIONS,
      secondsPerRun: SECONDS,
      rounds,
      full200: ok,
      notModified304: notModified,
      targets: { renderAfterOneChangeMs: 40, ratio200: 0.7, ratio304: 0.8 },
    };
  } finally {
    if (apiProcess && apiProcess.child.exitCode === null) {
      apiProcess.child.kill('SIGTERM');
      await apiProcess.exited;
    }
    if (bare && bare.exitCode === null) {
      const exited = new Promise((resolve) => bare!.once('exit', resolve));
      bare.kill('SIGTERM');
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
    await system.stop();
  }
}

/** 2,000 jobs for one staff member from 30 days ago on, six a day; some with a client, a teammate, a remote link; some pending or cancelled. */
export async function fillForProfile(url: string): Promise<void> {
  return fill(url);
}

async function fill(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const start = DateTime.now().setZone(ZONE).startOf('day').minus({ days: 30 });
    const { rows: venues } = await db.query(`INSERT INTO venues (name, timezone) VALUES ('Kreuzberg Hair Studio', $1) RETURNING id`, [ZONE]);
    const venueId = venues[0].id as string;
    const { rows: staff } = await db.query(
      `INSERT INTO staff (name, email) VALUES ('Anna Becker', 'anna@bench.example'), ('Jonas Weber', 'jonas@bench.example') RETURNING id`,
    );
    // Ordered by insertion: Anna owns the feed, Jonas is a teammate on some jobs.
    const [anna, jonas] = staff.map((s) => s.id as string);
    await db.query(`INSERT INTO staff_venues (staff_id, venue_id) VALUES ($1, $3), ($2, $3)`, [anna, jonas, venueId]);
    await db.query(
      `INSERT INTO customers (first_name, last_name, email) SELECT 'Client' || i, 'Surname' || i, 'c' || i || '@bench.example' FROM generate_series(1, 200) i`,
    );
    await db.query(
      `CREATE TEMP TABLE gen AS
       SELECT k, gen_random_uuid() AS job_id,
              ($1::timestamptz AT TIME ZONE $2 + make_interval(days => k / ${JOBS_PER_DAY}, hours => 8 + (k % ${JOBS_PER_DAY}) * 2)) AT TIME ZONE $2 AS starts_at
         FROM generate_series(0, ${JOBS - 1}) k`,
      [start.toISO(), ZONE],
    );
    await db.query(
      `INSERT INTO jobs (id, venue_id, title, service, customer_id, location, remote_url, remote_details, starts_at, ends_at, status)
       SELECT g.job_id, $1, 'Appointment ' || g.k, CASE WHEN g.k % 3 = 0 THEN 'Balayage' END,
              (SELECT id FROM customers ORDER BY id OFFSET (g.k % 200) LIMIT 1),
              CASE WHEN g.k % 5 <> 0 THEN 'Oranienstraße ' || (g.k % 90) || ', 10999 Berlin' END,
              CASE WHEN g.k % 5 = 0 THEN 'https://meet.example.com/' || g.k END,
              CASE WHEN g.k % 5 = 0 THEN 'Dial-in +49 30 1234567, PIN ' || g.k END,
              g.starts_at, g.starts_at + interval '90 minutes',
              CASE WHEN g.k % 20 = 0 THEN 'cancelled' WHEN g.k % 7 = 0 THEN 'pending' ELSE 'confirmed' END
         FROM gen g`,
      [venueId],
    );
    await db.query(
      `INSERT INTO job_assignments (job_id, staff_id, role, starts_at, ends_at, active)
       SELECT j.id, $1, 'lead', j.starts_at, j.ends_at, j.status <> 'cancelled' FROM jobs j`,
      [anna],
    );
    await db.query(
      `INSERT INTO job_assignments (job_id, staff_id, role, starts_at, ends_at, active)
       SELECT j.id, $1, 'team', j.starts_at, j.ends_at, j.status <> 'cancelled' FROM jobs j JOIN gen g ON g.job_id = j.id WHERE g.k % 4 = 0`,
      [jonas],
    );
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}

async function firstStaffId(url: string): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(`SELECT id FROM staff WHERE email = 'anna@bench.example'`)).rows[0].id as string;
  } finally {
    await db.end();
  }
}

async function jobIdsOf(url: string): Promise<string[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(`SELECT id FROM jobs WHERE status <> 'cancelled' ORDER BY starts_at`)).rows.map((r) => r.id as string);
  } finally {
    await db.end();
  }
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function pick(headers: IncomingMessage['headers'], names: string[]): OutgoingHttpHeaders {
  return Object.fromEntries(names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** CPU time of another process so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuOfPid(pid: number): NodeJS.CpuUsage {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 };
}

/** Waits (bounded) until the api process answers the feed. */
async function untilServing(url: string, app: AppProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`The api process exited:\n${app.output().slice(-2000)}`);
    const answer = await get(url).catch(() => undefined);
    if (answer?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`The api process did not serve the feed in time:\n${app.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
const round2 = (value: number) => Math.round(value * 100) / 100;

/** The bare server's CPU time so far (it answers over its IPC channel). */
function cpuOf(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    child.once('message', (usage) => resolve(usage as NodeJS.CpuUsage));
    child.send('cpu');
  });
}

/** The bare server in a process of its own; resolves with its port once it listens. */
function startBare(specFile: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'support', 'bare-server.js'), specFile], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(String(chunk))?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
  });
}

/** `wrk` (C, its own process): requests/s, p99 and non-2xx/3xx answers of one run. */
function wrk(url: string, headers: string[] = [], seconds = SECONDS): Promise<LoadResult> {
  const args = ['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--latency'];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(new Error(`wrk failed (is it installed? apt-get install wrk): ${error.message}`));
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
      const p99Ms = p99 ? Number(p99[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[p99[2]] : NaN;
      const unexpected = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const errors = socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      if (!Number.isFinite(rps)) return reject(new Error(`Could not read wrk's output:\n${stdout}`));
      resolve({ rps, p99: Math.round(p99Ms * 100) / 100, requests, cpuUsPerRequest: NaN, unexpected, errors });
    });
  });
}
