/**
 * `npm run bench -- feeds`: 10,000 distinct feeds (10,000 staff members, five jobs each) polled by
 * 200 concurrent connections, the way calendar apps poll: a first GET (200), then conditional
 * GETs with the ETag (304 while nothing changed). The render cache is capped below the working
 * set (FEED_CACHE_MAX_MB=16 against roughly 40 MB of feeds), so it must evict and stay within
 * its bound. Measures requests/s per round, answers, the cache's weight and entries, heads in
 * memory and the process's heap and RSS after each round.
 *
 * The first round (every feed rendered once, its ETag collected) is driven by `fetch` in this
 * process; the conditional rounds by `wrk` (C, its own process; 2 threads, 200 connections,
 * FEEDS_WRK_SECONDS each) with a Lua script that walks every feed URL in turn with its ETag.
 */
import { FeedsService } from '@calbridge/ical-feed';
import { FeedCache, FeedHeadStore } from '@calbridge/ical-feed/testing';
import { Principal } from '@calbridge/core';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startBenchSystem } from './support/bench-system';

const FEEDS = 10_000;
const CONCURRENCY = 200;
const WRK_THREADS = 2;
const WRK_SECONDS = Number(process.env.FEEDS_WRK_SECONDS ?? 10);
const CACHE_MB = 16;
const ADMIN: Principal = { role: 'admin', subject: 'bench-admin', venueIds: [] };

export async function run(): Promise<Record<string, unknown>> {
  const system = await startBenchSystem({
    name: 'feeds',
    env: { FEED_CACHE_MAX_MB: String(CACHE_MB), PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000' },
    prepare: async (url) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query(`INSERT INTO venues (name, timezone) VALUES ('Feeds venue', 'Europe/Berlin') RETURNING id`);
      await db.query(`INSERT INTO staff (name, email) SELECT 'Staff ' || i, 'feed' || i || '@bench.example' FROM generate_series(1, $1) i`, [FEEDS]);
      await db.query(`INSERT INTO staff_venues (staff_id, venue_id) SELECT id, $1 FROM staff`, [rows[0].id]);
      await db.query(
        `CREATE TEMP TABLE gen AS
           SELECT s.id AS staff_id, gen_random_uuid() AS job_id, date_trunc('day', now()) + make_interval(days => k, hours => 9) AS starts_at, k
             FROM staff s, generate_series(1, 5) k`,
      );
      await db.query(
        `INSERT INTO jobs (id, venue_id, title, starts_at, ends_at, status)
         SELECT job_id, $1, 'Visit ' || k, starts_at, starts_at + interval '1 hour', 'confirmed' FROM gen`,
        [rows[0].id],
      );
      await db.query(`INSERT INTO job_assignments (job_id, staff_id, role, starts_at, ends_at, active) SELECT job_id, staff_id, 'lead', starts_at, starts_at + interval '1 hour', true FROM gen`);
      await db.query('ANALYZE');
      await db.end();
    },
  });
  const scratch = mkdtempSync(join(tmpdir(), 'calbridge-bench-feeds-'));
  try {
    const app = system.api!;
    const { rows: staff } = await (async () => {
      const db = new Client({ connectionString: system.databaseUrl });
      await db.connect();
      try {
        return await db.query(`SELECT id FROM staff ORDER BY email`);
      } finally {
        await db.end();
      }
    })();
    const urls: string[] = [];
    for (const s of staff) {
      const [feed] = await app.get(FeedsService).list(ADMIN, s.id as string);
      urls.push(`${system.baseUrl}${new URL(feed.url).pathname}`);
    }
    const etags = new Array<string | undefined>(FEEDS);
    const cache = app.get(FeedCache);
    const heads = app.get(FeedHeadStore) as unknown as { heads?: { size: number } };

    const round = async (label: string, load: () => Promise<{ requests: number; seconds: number; answers: Record<string, number> }>) => {
      const cpu = process.cpuUsage();
      const { requests, seconds, answers } = await load();
      const used = process.cpuUsage(cpu);
      const memory = process.memoryUsage();
      const result = {
        round: label,
        requests,
        requestsPerSecond: Math.round(requests / seconds),
        /** CPU time of this process (the api; for the fetch round also the load generator) per request. */
        cpuUsPerRequest: Math.round(((used.user + used.system) / requests) * 10) / 10,
        answers,
        cacheEntries: cache.feeds.size,
        cacheMb: +(cache.feeds.weight / 1e6).toFixed(1),
        headsInMemory: heads.heads?.size ?? null,
        heapMb: Math.round(memory.heapUsed / 1e6),
        rssMb: Math.round(memory.rss / 1e6),
      };
      console.log(JSON.stringify(result));
      return result;
    };
    const first = async () => {
      let next = 0;
      const answers: Record<string, number> = {};
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < FEEDS) {
            const i = next++;
            const res = await fetch(urls[i], { headers: etags[i] ? { 'if-none-match': etags[i]! } : {} });
            await res.arrayBuffer();
            answers[res.status] = (answers[res.status] ?? 0) + 1;
            etags[i] = res.headers.get('etag') ?? etags[i];
          }
        }),
      );
      return { requests: FEEDS, seconds: Number(process.hrtime.bigint() - started) / 1e9, answers };
    };
    const script = join(scratch, 'feeds.lua');
    const conditional = async () => {
      writeFileSync(script, walkScript(urls.map((u) => new URL(u).pathname), etags));
      return wrkRun(system.baseUrl!, script);
    };
    const rounds = [
      await round('first poll of every feed (fetch)', first),
      await round('conditional poll (wrk, If-None-Match)', conditional),
      await round('conditional poll again (wrk)', conditional),
    ];
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
    return {
      feeds: FEEDS,
      concurrency: CONCURRENCY,
      cacheLimitMb: CACHE_MB,
      loadGenerator: `fetch, then wrk -t${WRK_THREADS} -c${CONCURRENCY} -d${WRK_SECONDS}s -s <walk every feed>`,
      loadAverage: loadavg(),
      rounds,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await system.stop();
  }
}

/**
 * A wrk script: thread t of T requests feeds t, t+T, t+2T, ... in turn (so together they walk
 * every feed, over and over), each with its ETag; counts the answers by status.
 */
function walkScript(paths: string[], etags: Array<string | undefined>): string {
  const list = (values: Array<string | undefined>) => values.map((v) => (v === undefined ? 'false' : JSON.stringify(v))).join(',\n');
  return `local paths = {\n${list(paths)}\n}
local etags = {\n${list(etags)}\n}
local threads = {}
local created = 0
function setup(thread)
  created = created + 1
  thread:set("id", created)
  table.insert(threads, thread)
end
function init(args)
  sent = 0
  counts = {}
end
function request()
  local k = ((sent * ${WRK_THREADS} + id - 1) % #paths) + 1
  sent = sent + 1
  local headers = {}
  if etags[k] then headers["If-None-Match"] = etags[k] end
  return wrk.format("GET", paths[k], headers)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("answers %d %d\\n", status, n)) end
end
`;
}

/** One wrk run of the walk script against the api. */
function wrkRun(baseUrl: string, script: string): Promise<{ requests: number; seconds: number; answers: Record<string, number> }> {
  const args = ['-t', String(WRK_THREADS), '-c', String(CONCURRENCY), '-d', `${WRK_SECONDS}s`, '-s', script, baseUrl];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(new Error(`wrk failed (is it installed? apt-get install wrk): ${error.message}`));
      const requests = Number(/(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout)?.[1]);
      const took = /\d+ requests in ([\d.]+)(ms|s|m)/.exec(stdout);
      const seconds = took ? Number(took[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[took[2]] : NaN;
      const answers: Record<string, number> = {};
      for (const [, status, n] of stdout.matchAll(/answers (\d+) (\d+)/g)) answers[status] = Number(n);
      if (!Number.isFinite(requests) || !Number.isFinite(seconds)) return reject(new Error(`Could not read wrk's output:\n${stdout}`));
      resolve({ requests, seconds, answers });
    });
  });
}
