import { SyncQueues } from '@calbridge/calendar-sync/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { testRedisUrl } from '../support/test-env';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/**
 * Scale-out: the cron fallback is a BullMQ job scheduler, so however many workers run, each
 * tick is one task, run once — not once per worker.
 */
describe('cron fan-out: once per tick across workers', () => {
  let system: TestSystem;
  let second: INestApplicationContext;
  let third: INestApplicationContext;
  let events: QueueEvents;

  beforeAll(async () => {
    system = await TestSystem.start({ api: false, worker: true, env: { SYNC_TICK_INTERVAL_MS: '300' } });
    second = await system.startWorker();
    third = await system.startWorker();
    events = new QueueEvents(system.app.get(SyncQueues).all.maintenance.name, { connection: { url: testRedisUrl() }, prefix: system.queuePrefix });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events?.close();
    await third?.close();
    await second?.close();
    await system?.stop();
  });

  it('three workers, one schedule: every tick runs exactly once', async () => {
    const ticks: string[] = [];
    events.on('completed', ({ jobId }) => {
      if (jobId.includes('sync-tick')) ticks.push(jobId);
    });
    const started = Date.now();
    await waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(10), { what: 'ten ticks' });
    const elapsed = Date.now() - started;
    // One task per scheduled time: no tick twice, and no more ticks than the schedule has slots.
    expect(new Set(ticks).size).toBe(ticks.length);
    const slots = new Set(ticks.map((id) => id.split(':').pop()));
    expect(slots.size).toBe(ticks.length);
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 2);
    const schedulers = await system.app.get(SyncQueues).all.maintenance.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === 'sync-tick' || s.id === 'sync-tick')).toHaveLength(1);
  });
});
