/**
 * `npm run bench -- feeds`: 10,000 distinct feeds (10,000 staff members, five jobs each) polled by
 * 200 concurrent connections, the way calendar apps poll: a first GET (200), then conditional
 * GETs with the ETag (304 while nothing changed). The render cache is capped below the working
 * set (FEED_CACHE_MAX_MB=16 against roughly 40 MB of feeds), so it must evict and stay within
 * its bound. Measures requests/s per round, answers, the cache's weight and entries, heads in
 * memory and the process's heap and RSS after each round.
 */
import { FeedsService } from '@calbridge/ical-feed';
import { FeedCache, FeedHeadStore } from '@calbridge/ical-feed/testing';
import { Principal } from '@calbridge/core';
import { Client } from 'pg';
import { startBenchSystem } from './support/bench-system';

const FEEDS = 10_000;
const CONCURRENCY = 200;
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

    const round = async (label: string) => {
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
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const memory = process.memoryUsage();
      const result = {
        round: label,
        requests: FEEDS,
        requestsPerSecond: Math.round(FEEDS / seconds),
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
    const rounds = [await round('first poll of every feed'), await round('conditional poll (If-None-Match)'), await round('conditional poll again')];
    return { feeds: FEEDS, concurrency: CONCURRENCY, cacheLimitMb: CACHE_MB, rounds };
  } finally {
    await system.stop();
  }
}
