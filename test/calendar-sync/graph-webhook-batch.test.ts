import { MetricsService } from '@calbridge/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunningMicrosoftEmulator, startMicrosoftEmulator } from '../../apps/emulators/src';
import { assertEmulatorTlsTrusted } from '../support/emulators';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { connectThroughOAuth, pullJobsSeen, startWebhookDrivenSystem, waitForQuietPulls, waitUntilLive } from './oauth-fixture';

/**
 * Finding 9 of issue 9 (webhook amplification): one unauthenticated Graph notification carrying
 * 3,000 subscription ids cost 3,000 queries. The lookup is batched: a handful of queries for the
 * whole body, and the genuine notification among the junk still wakes its connection.
 */
const ALICE = 'alice@example.com';

describe('Graph webhook: one batch, few queries', () => {
  let graph: RunningMicrosoftEmulator;
  let system: TestSystem;
  let staffId: string;

  beforeAll(async () => {
    graph = await startMicrosoftEmulator({ accounts: [{ email: ALICE, displayName: 'Alice Example' }] });
    await assertEmulatorTlsTrusted(graph);
    system = await startWebhookDrivenSystem(graph.calbridgeEnv());
    staffId = (await system.factory.team(1)).staff[0].id;
    const { connectionId } = await connectThroughOAuth(system, 'microsoft', staffId, ALICE);
    await waitUntilLive(system, connectionId);
  });

  afterAll(async () => {
    await system?.stop();
    await graph?.stop();
  });

  /** Counts the SQL statements the api's own DataSource sends while `work` runs. */
  async function countApiQueries(work: () => Promise<unknown>): Promise<number> {
    const api = system.api!.get(DataSource);
    const runner = api.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
    await runner.release();
    const original = proto.query;
    let count = 0;
    proto.query = function (this: { connection: DataSource }, ...args: unknown[]) {
      if (this.connection === api) count++;
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      proto.query = original;
    }
    return count;
  }

  it('looks up 3,000 subscription ids in a few queries and still wakes the genuine one', async () => {
    await graph.controls.notifications.settled();
    await waitForQuietPulls(system);
    const [subscription] = graph.controls.subscriptions();
    const jobsBefore = await pullJobsSeen(system);
    const value: Array<{ subscriptionId: string; clientState: string }> = Array.from({ length: 2_999 }, () => ({ subscriptionId: randomUUID(), clientState: 'guessed' }));
    value.splice(1_500, 0, { subscriptionId: subscription.id, clientState: subscription.clientState! });
    const queries = await countApiQueries(() => system.http().post('/webhooks/microsoft', { value }).expect(202));
    expect(queries).toBeLessThanOrEqual(5);
    await waitFor(async () => expect(await pullJobsSeen(system)).toBeGreaterThan(jobsBefore), { what: 'the genuine notification to queue a pull' });
    // Its pull is measured as webhook-to-slot latency.
    await waitFor(
      async () => {
        const metrics = await system.worker!.get(MetricsService).registry.getMetricsAsJSON();
        const latency = metrics.find((m) => m.name === 'calbridge_sync_webhook_to_slot_seconds');
        const count = (latency?.values ?? []).find((v) => (v as { metricName?: string }).metricName === 'calbridge_sync_webhook_to_slot_seconds_count' && v.labels.provider === 'microsoft');
        expect(count?.value).toBeGreaterThanOrEqual(1);
      },
      { what: 'the webhook-to-slot latency to be observed' },
    );
  });

  it('a batch of junk alone queues nothing', async () => {
    await waitForQuietPulls(system);
    const jobsBefore = await pullJobsSeen(system);
    const [subscription] = graph.controls.subscriptions();
    const value = [
      ...Array.from({ length: 1_000 }, () => ({ subscriptionId: randomUUID(), clientState: 'guessed' })),
      { subscriptionId: subscription.id, clientState: 'guessed', lifecycleEvent: 'missed' },
    ];
    const queries = await countApiQueries(() => system.http().post('/webhooks/microsoft', { value }).expect(202));
    expect(queries).toBeLessThanOrEqual(3);
    await system.http().post('/webhooks/microsoft', { value: [{ subscriptionId: subscription.id, clientState: subscription.clientState! }] }).expect(202);
    // The genuine notification sent after the junk is the only pull.
    await waitFor(async () => expect(await pullJobsSeen(system)).toBe(jobsBefore + 1), { what: 'one pull' });
  });
});
