/**
 * `npm run bench -- cron`: the cron fallback over 20,000 connections. Every connection is due; a
 * tick fans out pull tasks (at most 5,000 per tick, the longest-unsynced first, see
 * MaintenanceService), so the whole deployment is covered in a few ticks. Measures the time of
 * each tick, the tasks it enqueued, the worker's heap and Redis' memory. The queues are paused:
 * this measures the fan-out, not 20,000 pulls against providers that do not exist; between ticks
 * the connections a tick took are marked synced, as their pulls would.
 */
import { MaintenanceService, SyncQueues } from '@calbridge/calendar-sync/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { benchRedisUrl, startBenchSystem } from './support/bench-system';

const CONNECTIONS = 20_000;

export async function run(): Promise<Record<string, unknown>> {
  const system = await startBenchSystem({
    name: 'cron',
    api: false,
    worker: true,
    // The scheduler's own ticks would race the measured ones: an hour apart.
    env: { SYNC_TICK_INTERVAL_MS: '3600000', SYNC_PULL_INTERVAL_SECONDS: '300', OUTBOX_RELAY_ENABLED: 'false' },
    prepare: async (url) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      await db.query(`INSERT INTO staff (name, email) SELECT 'Staff ' || i, 'staff' || i || '@bench.example' FROM generate_series(1, $1) i`, [CONNECTIONS]);
      await db.query(
        `INSERT INTO sync_connections (staff_id, provider, account_id, account_email, status, last_synced_at)
         SELECT id, 'caldav', email, email, 'active', now() - interval '1 hour' - row_number() OVER () * interval '1 millisecond' FROM staff`,
      );
      await db.query(`INSERT INTO sync_calendars (connection_id, external_id, name, push, pull) SELECT id, 'work', 'Work', true, true FROM sync_connections`);
      await db.query('ANALYZE');
      await db.end();
    },
  });
  const redis = new Redis(benchRedisUrl());
  const db = new Client({ connectionString: system.databaseUrl });
  await db.connect();
  try {
    const queues = system.worker!.get(SyncQueues).all;
    for (const queue of Object.values(queues)) await queue.pause();
    const maintenance = system.worker!.get(MaintenanceService);
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const redisBefore = await usedMemory();
    const ticks: Array<{ ms: number; pulls: number }> = [];
    let now = Date.now();
    for (let i = 0; i < 6; i++) {
      const started = process.hrtime.bigint();
      const { pulls } = await maintenance.tick(now);
      ticks.push({ ms: Number(process.hrtime.bigint() - started) / 1e6, pulls });
      // Their pulls ran: the tick took the longest-unsynced ones.
      await db.query(`UPDATE sync_connections SET last_synced_at = now() WHERE id IN (SELECT id FROM sync_connections ORDER BY last_synced_at LIMIT $1)`, [pulls]);
      now += 3_600_000; // the next tick's bucket (task ids are per tick)
      if (!pulls) break;
    }
    const counts = await queues.pull.getJobCounts('waiting', 'delayed', 'prioritized');
    const enqueued = Object.values(counts).reduce((a, b) => a + b, 0);
    global.gc?.();
    const result = {
      connections: CONNECTIONS,
      ticks: ticks.map((t) => ({ ms: Math.round(t.ms), pulls: t.pulls })),
      ticksToCoverAll: ticks.filter((t) => t.pulls > 0).length,
      pullTasksQueued: enqueued,
      fanOutPerSecond: Math.round(ticks.reduce((a, t) => a + t.pulls, 0) / (ticks.reduce((a, t) => a + t.ms, 0) / 1000)),
      workerHeapGrowthMb: +((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1),
      redisGrowthMb: +(((await usedMemory()) - redisBefore) / 1e6).toFixed(1),
    };
    console.log(JSON.stringify(result, null, 2));
    for (const queue of Object.values(queues)) await queue.obliterate({ force: true });
    return result;
  } finally {
    await db.end();
    redis.disconnect();
    await system.stop();
  }
}
