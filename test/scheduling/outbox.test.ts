import { DeploymentIdentity } from '@calbridge/database';
import { DomainEventConsumers, DomainEventMessage, SCHEDULING_EVENTS_QUEUE } from '@calbridge/scheduling';
import { BullDomainEventPublisher, DOMAIN_EVENT_PUBLISHER, DomainEventPublisher, eventTaskId, OutboxRelayService } from '@calbridge/scheduling/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/** Wraps the real publisher: records what it publishes and can fail on cue. */
class RecordingPublisher implements DomainEventPublisher {
  static sequence = 0;
  readonly published: Array<{ seq: number; event: DomainEventMessage }> = [];
  /** Fail after publishing, before the relay marks the rows (a crash between the two). */
  crashAfterPublish = 0;
  /** Fail before publishing anything. */
  failBeforePublish = 0;
  delayMs = 0;

  constructor(private readonly inner: DomainEventPublisher) {}

  async publish(events: DomainEventMessage[]): Promise<void> {
    if (this.failBeforePublish > 0) {
      this.failBeforePublish--;
      throw new Error('simulated crash before publishing');
    }
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.inner.publish(events);
    for (const event of events) this.published.push({ seq: ++RecordingPublisher.sequence, event });
    if (this.crashAfterPublish > 0) {
      this.crashAfterPublish--;
      throw new Error('simulated crash after publishing');
    }
  }
}

const recording = (holder: { publisher?: RecordingPublisher }) => (builder: TestingModuleBuilder) =>
  builder.overrideProvider(DOMAIN_EVENT_PUBLISHER).useFactory({
    factory: (consumers: DomainEventConsumers, deployment: DeploymentIdentity) =>
      (holder.publisher = new RecordingPublisher(new BullDomainEventPublisher(consumers, deployment))),
    inject: [DomainEventConsumers, DeploymentIdentity],
  });

describe('transactional outbox', () => {
  let system: TestSystem;
  let queue: Queue;
  let deploymentId: string;
  const workers: INestApplicationContext[] = [];
  const taskOf = (eventId: string) => queue.getJob(eventTaskId(deploymentId, eventId));

  beforeAll(async () => {
    // The api alone: changes commit their events, nothing relays them yet ("crash before relay").
    system = await TestSystem.start({ env: { OUTBOX_POLL_INTERVAL_MS: '100' } });
    queue = new Queue(SCHEDULING_EVENTS_QUEUE, { connection: { url: system.env.REDIS_URL }, prefix: system.queuePrefix });
    deploymentId = (await system.dataSource.query('SELECT id FROM deployment'))[0].id;
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await queue?.close();
    await system?.stop();
  });

  const pending = async () =>
    (await system.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE relayed_at IS NULL'))[0].n as number;

  const eventsOf = async (jobId: string) =>
    (await system.dataSource.query('SELECT id::text, event_type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id', [jobId])) as Array<{
      id: string;
      event_type: string;
      payload: { staffIds: string[]; affectedStaffIds: string[]; version: number };
    }>;

  it('writes one event per job change in the transaction of the change', async () => {
    const { venue, staff } = await system.factory.team(2);
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    await system.factory.assign(job.id, staff[0].id);
    await system.factory.assign(job.id, staff[1].id);
    const http = system.http(system.adminToken());
    await http.patch(`/v1/jobs/${job.id}`, { startsAt: at(1, '12:00'), endsAt: at(1, '13:00') }).expect(200);
    await http.patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).expect(200);
    await http.patch(`/v1/jobs/${job.id}`, { title: 'Renamed' }).expect(200);
    await http.delete(`/v1/jobs/${job.id}/assignments/${staff[0].id}`).expect(204);
    const events = await eventsOf(job.id);
    expect(events.map((e) => e.event_type)).toEqual([
      'job.created',
      'job.assigned',
      'job.assigned',
      'job.rescheduled',
      'job.status_changed',
      'job.updated',
      'job.unassigned',
    ]);
    expect(events[3].payload.staffIds.sort()).toEqual([staff[0].id, staff[1].id].sort());
    expect(events[6].payload).toMatchObject({ staffIds: [staff[1].id], affectedStaffIds: [staff[0].id] });
    expect(events.map((e) => e.payload.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('delivers everything committed before the relay started, once, in order per job', async () => {
    const { venue, staff } = await system.factory.team(3);
    for (let i = 0; i < 6; i++) {
      const job = await system.factory.job({ venueId: venue.id, startsAt: at(2, `${10 + i}:00`), endsAt: at(2, `${10 + i}:30`) });
      await system.factory.assign(job.id, staff[i % 3].id);
      await system.http(system.adminToken()).patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).expect(200);
    }
    const committed = await pending();
    expect(committed).toBeGreaterThanOrEqual(18);

    const holder: { publisher?: RecordingPublisher } = {};
    workers.push(await system.startWorker(recording(holder)));
    await waitFor(async () => expect(await pending()).toBe(0), { what: 'the relay to drain the outbox' });

    const published = holder.publisher!.published.map((p) => p.event);
    const ids = published.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await system.dataSource.query('SELECT uid FROM outbox_events');
    expect(ids.sort()).toEqual(rows.map((r: { uid: string }) => r.uid).sort());
    assertOrderedPerJob(holder.publisher!.published);
    for (const id of ids) expect(await taskOf(id)).toBeDefined();

    // Live: a new change is relayed within the poll/notify bound.
    const job = await system.factory.job({ venueId: venue.id });
    await waitFor(async () => expect((await eventsOf(job.id)).length).toBe(1));
    await waitFor(async () => expect(await pending()).toBe(0), { what: 'the new event to be relayed' });
    await workers.pop()!.close();
  });

  it('a crash between publishing and marking re-publishes, and the queue keeps one job per event', async () => {
    const holder: { publisher?: RecordingPublisher } = {};
    const worker = await system.startWorker((b) => recording(holder)(b));
    workers.push(worker);
    const relay = worker.get(OutboxRelayService);
    await relay.stop(); // drive it by hand
    await relay.drain(); // start from an empty outbox

    const { venue } = await system.factory.team(0);
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await system.factory.job({ venueId: venue.id }));
    const before = await pending();
    expect(before).toBe(3);

    holder.publisher!.crashAfterPublish = 1;
    await expect(relay.relayBatch()).rejects.toThrow(/after publishing/);
    expect(await pending()).toBe(3); // the transaction rolled back: nothing marked
    expect(await relay.relayBatch()).toBe(3);
    expect(await pending()).toBe(0);

    const publishedIds = holder.publisher!.published.map((p) => p.event.eventId);
    expect(publishedIds).toHaveLength(6); // published twice...
    const unique = [...new Set(publishedIds)];
    expect(unique).toHaveLength(3);
    for (const id of unique) {
      const job = await taskOf(id);
      expect(job?.data).toMatchObject({ eventId: id });
    }
    // ...but BullMQ holds exactly one job per event id (deduplicated by job id).
    const all = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    expect(all.filter((j) => unique.includes(j.data.eventId))).toHaveLength(3);

    holder.publisher!.failBeforePublish = 1;
    await system.factory.job({ venueId: venue.id });
    await expect(relay.relayBatch()).rejects.toThrow(/before publishing/);
    expect(await pending()).toBe(1);
    expect(await relay.relayBatch()).toBe(1);
    await workers.pop()!.close();
  });

  it('two relays never publish the same row and keep each job\'s events in order', async () => {
    const a: { publisher?: RecordingPublisher } = {};
    const b: { publisher?: RecordingPublisher } = {};
    // Small batches so both relays take turns.
    const w1 = await system.startWorker(recording(a), { OUTBOX_BATCH_SIZE: '7' });
    const w2 = await system.startWorker(recording(b), { OUTBOX_BATCH_SIZE: '7' });
    workers.push(w1, w2);
    const r1 = w1.get(OutboxRelayService);
    const r2 = w2.get(OutboxRelayService);
    await Promise.all([r1.stop(), r2.stop()]);
    await r1.drain();
    a.publisher!.published.length = 0;
    a.publisher!.delayMs = 15;
    b.publisher!.delayMs = 15;

    const { venue } = await system.factory.team(0);
    const jobs = [];
    for (let i = 0; i < 10; i++) jobs.push(await system.factory.job({ venueId: venue.id, startsAt: at(3, '10:00'), endsAt: at(3, '11:00') }));
    for (let round = 0; round < 4; round++) {
      for (const job of jobs) await system.http(system.adminToken()).patch(`/v1/jobs/${job.id}`, { title: `round ${round}` }).expect(200);
    }
    const total = await pending();
    expect(total).toBe(50);

    await Promise.all([r1.drain(), r2.drain()]);
    await Promise.all([r1.drain(), r2.drain()]);
    expect(await pending()).toBe(0);

    const all = [...a.publisher!.published, ...b.publisher!.published];
    const ids = all.map((p) => p.event.eventId);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    expect(a.publisher!.published.length).toBeGreaterThan(0);
    expect(b.publisher!.published.length).toBeGreaterThan(0);
    assertOrderedPerJob(all);
    await workers.pop()!.close();
    await workers.pop()!.close();
  });
});

/** For every job, events were published in increasing outbox id order. */
function assertOrderedPerJob(published: Array<{ seq: number; event: DomainEventMessage }>): void {
  const byJob = new Map<string, Array<{ seq: number; id: bigint }>>();
  for (const { seq, event } of published) {
    byJob.set(event.aggregateId, [...(byJob.get(event.aggregateId) ?? []), { seq, id: BigInt(event.sequence) }]);
  }
  for (const list of byJob.values()) {
    const bySeq = [...list].sort((x, y) => x.seq - y.seq).map((x) => x.id);
    const byId = [...bySeq].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    expect(bySeq).toEqual(byId);
  }
}
