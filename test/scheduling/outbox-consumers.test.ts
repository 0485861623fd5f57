import { DeploymentIdentity } from '@calbridge/database';
import { DomainEventConsumers, DomainEventMessage, SCHEDULING_EVENTS_QUEUE } from '@calbridge/scheduling';
import { CONFLICT_EVENT_TYPES, eventTaskId, OutboxRelayService } from '@calbridge/scheduling/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

const run = promisify(execFile);

interface OutboxRow {
  id: string;
  uid: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  venue_ids: string[];
  payload: Record<string, unknown>;
}

describe('outbox consumers, event types and the deployment identity', () => {
  let system: TestSystem;
  let worker: INestApplicationContext;
  let syncEvents: Queue;
  let watcher: Queue;
  let deploymentId: string;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: true, env: { OUTBOX_POLL_INTERVAL_MS: '100' } });
    worker = system.worker!;
    const connection = { url: system.env.REDIS_URL };
    syncEvents = new Queue(SCHEDULING_EVENTS_QUEUE, { connection, prefix: system.queuePrefix });
    // A second consumer of its own, as a notification or board lib would register.
    watcher = new Queue('test-conflict-watcher', { connection, prefix: system.queuePrefix });
    worker.get(DomainEventConsumers).register({ queue: watcher, types: CONFLICT_EVENT_TYPES });
    deploymentId = worker.get(DeploymentIdentity).id;
  });
  afterAll(async () => {
    await syncEvents?.close();
    await watcher?.close();
    await system?.stop();
  });

  const rows = async (where: string, params: unknown[]): Promise<OutboxRow[]> =>
    system.dataSource.query(
      `SELECT id::text, uid, event_type, aggregate_type, aggregate_id, venue_ids, payload FROM outbox_events WHERE ${where} ORDER BY id`,
      params,
    );
  const tasks = async (queue: Queue) =>
    (await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])) as Array<{ id?: string; data: DomainEventMessage }>;

  it('records blocked slot and conflict changes with the venues they concern', async () => {
    const a = await system.factory.venue();
    const b = await system.factory.venue();
    const staff = await system.factory.staff({ venueIds: [a.id, b.id] });
    const job = await system.factory.job({ venueId: a.id, startsAt: at(2, '10:00'), endsAt: at(2, '11:00') });
    await system.factory.assign(job.id, staff.id);
    const slot = await system.factory.blockedSlot(staff.id, { startsAt: at(2, '10:30'), endsAt: at(2, '12:00'), reason: 'Dentist' });
    await system.http(system.adminToken()).delete(`/v1/staff/${staff.id}/blocked-slots/${slot.id}`).expect(204);

    const slotEvents = await rows('aggregate_id = $1', [slot.id]);
    expect(slotEvents.map((e) => e.event_type)).toEqual(['blocked_slot.created', 'blocked_slot.deleted']);
    for (const e of slotEvents) {
      expect([...e.venue_ids].sort()).toEqual([a.id, b.id].sort());
      expect(e.payload).toEqual({ slotId: slot.id, staffId: staff.id });
    }
    const conflictEvents = await rows(`aggregate_type = 'conflict' AND payload->>'jobId' = $1`, [job.id]);
    expect(conflictEvents.map((e) => e.event_type)).toEqual(['conflict.opened', 'conflict.resolved']);
    expect(conflictEvents[0].venue_ids).toEqual([a.id]);
    expect(conflictEvents[0].payload).toMatchObject({ staffId: staff.id, jobId: job.id, blockedSlotId: slot.id });
    expect(conflictEvents[1].payload).toMatchObject({ resolution: 'slot_removed' });
    const jobEvents = await rows('aggregate_id = $1', [job.id]);
    expect(jobEvents.every((e) => e.venue_ids.length === 1 && e.venue_ids[0] === a.id)).toBe(true);
  });

  it('publishes each event to every consumer that wants its type, and only those', async () => {
    const { venue, staff } = await system.factory.team(1);
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(3, '10:00'), endsAt: at(3, '11:00') });
    await system.factory.assign(job.id, staff[0].id);
    await system.factory.blockedSlot(staff[0].id, { startsAt: at(3, '09:00'), endsAt: at(3, '10:30') });
    const [opened] = await rows(`event_type = 'conflict.opened' AND payload->>'jobId' = $1`, [job.id]);
    const jobRows = await rows('aggregate_id = $1', [job.id]);

    await waitFor(async () => expect((await tasks(watcher)).map((t) => t.data.eventId)).toContain(opened.uid), {
      what: 'the conflict event to reach the second consumer',
    });
    await waitFor(
      async () => {
        const ids = (await tasks(syncEvents)).map((t) => t.data.eventId);
        for (const row of jobRows) expect(ids).toContain(row.uid);
      },
      { what: 'the job events to reach calendar sync' },
    );
    const watched = await tasks(watcher);
    expect(watched.every((t) => t.data.type.startsWith('conflict.'))).toBe(true);
    const task = watched.find((t) => t.data.eventId === opened.uid)!;
    expect(task.id).toBe(eventTaskId(deploymentId, opened.uid));
    expect(task.data).toMatchObject({ type: 'conflict.opened', sequence: opened.id, venueIds: [venue.id] });
    expect((await tasks(syncEvents)).some((t) => !t.data.type.startsWith('job.'))).toBe(false);
  });

  it('after a restore from a backup (outbox ids start again), new events are delivered, not dropped as duplicates', async () => {
    const { venue } = await system.factory.team(0);
    const relay = worker.get(OutboxRelayService);
    const first = await system.factory.job({ venueId: venue.id });
    await waitFor(async () => expect((await rows('aggregate_id = $1 AND relayed_at IS NOT NULL', [first.id])).length).toBe(1));
    const [before] = await rows('aggregate_id = $1', [first.id]);

    // The restored database: the identity rewinds below ids Redis has already seen.
    await relay.stop();
    await system.dataSource.query('DELETE FROM outbox_events');
    await system.dataSource.query(`ALTER TABLE outbox_events ALTER COLUMN id RESTART WITH ${before.id}`);
    const second = await system.factory.job({ venueId: venue.id });
    const [after] = await rows('aggregate_id = $1', [second.id]);
    expect(after.id).toBe(before.id);
    await relay.start();

    await waitFor(async () => expect((await tasks(syncEvents)).map((t) => t.data.eventId)).toContain(after.uid), {
      what: 'the event written after the restore to be queued',
    });
    const both = (await tasks(syncEvents)).filter((t) => t.data.sequence === before.id);
    expect(both.map((t) => t.data.aggregateId).sort()).toEqual([first.id, second.id].sort());
  });

  it('refuses to boot when the queue prefix is bound to another database, with a message saying what to do', async () => {
    const redis = new Redis(system.env.REDIS_URL);
    const key = `${system.queuePrefix}:deployment`;
    try {
      expect(JSON.parse((await redis.get(key))!)).toMatchObject({ id: deploymentId });
      const other = '00000000-0000-4000-8000-000000000001';
      await redis.set(key, JSON.stringify({ id: other, database: '127.0.0.1:5432/elsewhere' }));
      // The real worker process, as `npm start` runs it: it must stop with the reason, not run.
      const worker = await run(
        process.execPath,
        [require.resolve('ts-node/dist/bin'), '--transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, '../../apps/worker/src/main.ts')],
        { cwd: join(__dirname, '../..'), env: { ...process.env, ...system.env, LOG_LEVEL: 'error' }, timeout: 150_000 },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
      );
      expect(worker.code).toBe(1);
      expect(worker.stderr).toMatch(
        new RegExp(`belongs to another deployment \\(${other}, database "127.0.0.1:5432/elsewhere"\\).*QUEUE_PREFIX.*redis-cli DEL ${key}`),
      );
    } finally {
      await redis.set(key, JSON.stringify({ id: deploymentId, database: 'restored' }));
      redis.disconnect();
    }
    // The rightful deployment still boots.
    const again = await system.startWorker();
    await again.close();
    // Transpiling and booting a whole worker takes tens of seconds on a loaded 2-core machine.
  }, 180_000);
});
