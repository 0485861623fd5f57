import type { INestApplicationContext } from '@nestjs/common';
import { startProcess } from '../support/app-process';
import { HttpReceiver, ReceivedRequest } from '../support/http-receiver';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/** Webhook delivery by lanes: order per job across batches, a slow receiver's cap, a worker killed mid-delivery. */
describe('webhook delivery lanes', () => {
  let system: TestSystem;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    system = await TestSystem.start({
      worker: true,
      env: {
        OUTBOX_POLL_INTERVAL_MS: '100',
        WEBHOOK_BACKOFF_BASE_MS: '20',
        WEBHOOK_BACKOFF_MAX_MS: '100',
        // Two lanes of one subscription in flight, four per worker: a held receiver shows both caps.
        WEBHOOK_SUBSCRIPTION_CONCURRENCY: '2',
        WEBHOOK_WORKER_CONCURRENCY: '4',
      },
    });
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await system?.stop();
    await receiver?.stop();
  });

  const admin = () => system.http(system.adminToken());
  const parse = (r: { body: string }) => JSON.parse(r.body) as { type: string; data: { jobId: string; version: number } };

  async function subscribe(venueId: string, events: string[]): Promise<string> {
    const path = `/hooks/${Math.random().toString(36).slice(2)}`;
    await admin()
      .post('/v1/webhooks', { url: receiver.url + path, events, venueIds: [venueId] })
      .expect(201);
    return path;
  }

  it('sends each job’s messages strictly in order while several jobs’ lanes run at once, through failures', async () => {
    const venue = await system.factory.venue();
    const path = await subscribe(venue.id, ['job.created', 'job.updated']);
    // Every third try of anything fails: lanes stop at a failure mid-batch and go on after the back-off.
    let tries = 0;
    const previous = receiver.answer;
    receiver.answer = (req, all) => (req.path === path ? (++tries % 3 === 0 ? 500 : 200) : previous(req, all));
    const jobs = await Promise.all([0, 1, 2, 3, 4].map((i) => system.factory.job({ venueId: venue.id, title: `Lane ${i}` })));
    for (let version = 2; version <= 6; version++) {
      await Promise.all(jobs.map((job) => admin().patch(`/v1/jobs/${job.id}`, { title: `${job.id} v${version}` }).expect(200)));
    }

    await waitFor(() => expect(receiver.acknowledged.filter((r) => r.path === path)).toHaveLength(30), { what: '30 acknowledged deliveries', timeoutMs: 60_000 });
    const all = receiver.requests.filter((r) => r.path === path);
    for (const job of jobs) {
      const mine = all.filter((r) => parse(r).data.jobId === job.id);
      const acked = mine.filter((r) => r.status === 200);
      // Each event acknowledged once, in version order.
      expect(acked.map((r) => parse(r).data.version)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(acked.map((r) => r.headers['webhook-id'])).size).toBe(6);
      // No message of the job is tried before the one before it was acknowledged.
      for (let i = 1; i < acked.length; i++) {
        const firstTry = mine.findIndex((r) => r.headers['webhook-id'] === acked[i].headers['webhook-id']);
        expect(firstTry).toBeGreaterThan(mine.indexOf(acked[i - 1]));
      }
    }
    // The jobs' lanes overlapped: some job's message went out between two of another job's.
    const order = all.map((r) => parse(r).data.jobId);
    expect(order.slice(0, 10).some((id, i) => i > 0 && id !== order[i - 1])).toBe(true);
    receiver.answer = previous;
  });

  it('lets a receiver that does not answer hold only its own subscription’s lanes', async () => {
    const venue = await system.factory.venue();
    const slow = await subscribe(venue.id, ['job.created']);
    const quick = await subscribe(venue.id, ['job.created']);
    const held: Array<() => void> = [];
    let slowAnswered = 0;
    const previous = receiver.answer;
    receiver.answer = (req, all) => {
      if (req.path !== slow) return previous(req, all);
      return new Promise<number>((resolve) =>
        held.push(() => {
          slowAnswered++;
          resolve(200);
        }),
      );
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => system.factory.job({ venueId: venue.id, title: `Held ${i}` })));

    // The quick subscriber gets all six while the slow one holds its two lanes (and no more).
    await waitFor(() => expect(receiver.acknowledged.filter((r) => r.path === quick)).toHaveLength(6), { what: 'the quick subscriber' });
    expect(slowAnswered).toBe(0);
    expect(held).toHaveLength(2);

    receiver.answer = previous;
    for (const release of held.splice(0)) release();
    await waitFor(() => expect(receiver.acknowledged.filter((r) => r.path === slow)).toHaveLength(6), { what: 'the slow subscriber, released' });
  });
});

describe('a worker killed while delivering a webhook', () => {
  let system: TestSystem;
  let receiver: HttpReceiver;
  let second: INestApplicationContext | undefined;

  beforeAll(async () => {
    // No worker in this process: the first one is a process of its own, killed with SIGKILL.
    system = await TestSystem.start({ env: { OUTBOX_POLL_INTERVAL_MS: '100', WEBHOOK_LEASE_MS: '1500' } });
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await second?.close();
    await system?.stop();
    await receiver?.stop();
  });

  it('costs one lease: another worker sends the message again under the same webhook-id, acknowledged once', async () => {
    const venue = await system.factory.venue();
    await system
      .http(system.adminToken())
      .post('/v1/webhooks', { url: `${receiver.url}/crash`, events: ['job.created'], venueIds: [venue.id] })
      .expect(201);
    // The first try is never answered: the worker dies while it waits.
    const tried: string[] = [];
    receiver.answer = (req) => {
      tried.push(req.headers['webhook-id']);
      return tried.length === 1 ? new Promise<number>(() => undefined) : 200;
    };
    const first = startProcess('worker', system.env);
    try {
      await system.factory.job({ venueId: venue.id, title: 'Crash course' });
      await waitFor(
        () => {
          if (first.child.exitCode !== null) throw new Error(`the worker exited:\n${first.output().slice(-2000)}`);
          expect(tried).toHaveLength(1);
        },
        { what: 'the first worker to send', timeoutMs: 120_000, intervalMs: 200 },
      );
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }

    second = await system.startWorker();
    await waitFor(() => expect(receiver.acknowledged).toHaveLength(1), { what: 'the redelivery' });
    const acked: ReceivedRequest = receiver.acknowledged[0];
    expect(acked.headers['webhook-id']).toBe(tried[0]);
    expect(tried).toEqual([tried[0], tried[0]]);
    // Written as delivered, the lane idle: nothing will send it again.
    await waitFor(async () =>
      expect(await system.dataSource.query(`SELECT status, attempts FROM webhook_messages`)).toEqual([{ status: 'delivered', attempts: 1 }]),
    );
    expect(await system.dataSource.query(`SELECT next_attempt_at, lease_token FROM webhook_lanes`)).toEqual([{ next_attempt_at: null, lease_token: null }]);
  });
});
