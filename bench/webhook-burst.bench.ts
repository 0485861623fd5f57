/**
 * `npm run bench -- webhooks`: 1,000 changes in one second across 200 Google accounts connected
 * through OAuth — the emulator sends one watch-channel notification per change to the api — and
 * calbridge's answer: how many pulls that costs, how many ever run at once for one connection
 * (the Redis semaphore allows SYNC_CONNECTION_CONCURRENCY = 1), and how long until every change
 * is a blocked slot.
 */
import { SyncQueues } from '@calbridge/calendar-sync/testing';
import { Principal } from '@calbridge/core';
import { StaffService, VenuesService } from '@calbridge/scheduling';
import { Client } from 'pg';
import { startGoogleEmulator } from '../apps/emulators/src';
import { waitFor } from '../test/support/wait';
import { BenchSystem, startBenchSystem } from './support/bench-system';

const CONNECTIONS = 200;
const CHANGES = 1_000;
const ADMIN: Principal = { role: 'admin', subject: 'bench-admin', venueIds: [] };
const LIST = 'GET /calendar/v3/calendars/:calendarId/events';

export async function run(): Promise<Record<string, unknown>> {
  const accounts = Array.from({ length: CONNECTIONS }, (_, i) => `burst${i}@bench.example`);
  const google = await startGoogleEmulator({ accounts: accounts.map((email) => ({ email, displayName: email, timeZone: 'UTC' })) });
  const system = await startBenchSystem({
    name: 'webhooks',
    worker: true,
    env: { ...google.calbridgeEnv(), SYNC_TICK_INTERVAL_MS: '3600000', SYNC_PULL_INTERVAL_SECONDS: '86400', SYNC_WORKER_CONCURRENCY: '8', DATABASE_POOL_SIZE: '12' },
  });
  const db = new Client({ connectionString: system.databaseUrl });
  await db.connect();
  try {
    const api = system.api!;
    const venue = await api.get(VenuesService).create(ADMIN, { name: 'Burst venue', timezone: 'UTC' });
    const connections: string[] = [];
    for (let i = 0; i < CONNECTIONS; i += 10) {
      const batch = accounts.slice(i, i + 10);
      connections.push(
        ...(await Promise.all(
          batch.map(async (account) => {
            const staff = await api.get(StaffService).create(ADMIN, { name: account, email: account, venueIds: [venue.id] });
            return connect(system, staff.id, account);
          }),
        )),
      );
    }
    await waitFor(
      async () => {
        const [row] = (await db.query(`SELECT count(DISTINCT connection_id)::int AS n FROM sync_channels`)).rows;
        if (row.n < CONNECTIONS) throw new Error(`${row.n} channels`);
      },
      { timeoutMs: 600_000, intervalMs: 200, what: 'every connection live with a channel' },
    );
    await google.controls.notifications.settled();
    const pullQueue = system.worker!.get(SyncQueues).all.pull;
    await waitFor(async () => {
      const counts = await pullQueue.getJobCounts('active', 'waiting', 'delayed');
      if (counts.active + counts.waiting + counts.delayed) throw new Error('first syncs still running');
    }, { timeoutMs: 600_000, intervalMs: 200, what: 'the first syncs to finish' });
    const slotsBefore = Number((await db.query(`SELECT count(*)::int AS n FROM blocked_slots`)).rows[0].n);
    const listsBefore = google.controls.stats().byRoute[LIST] ?? 0;

    // Sample what runs: active pull tasks per connection, every 10 ms.
    let sampling = true;
    let maxPerConnection = 0;
    let maxActive = 0;
    const sampler = (async () => {
      while (sampling) {
        const active = await pullQueue.getActive();
        const per = new Map<string, number>();
        for (const job of active) per.set(job.data.connectionId, (per.get(job.data.connectionId) ?? 0) + 1);
        maxActive = Math.max(maxActive, active.length);
        maxPerConnection = Math.max(maxPerConnection, ...per.values(), 0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    // 1,000 changes in one second: 20 rounds of 50, 50 ms apart, five per account.
    const started = Date.now();
    const day = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + 86_400_000;
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < CHANGES / 20; k++) {
        const n = round * (CHANGES / 20) + k;
        const at = day + Math.floor(n / CONNECTIONS) * 86_400_000 + 9 * 3_600_000;
        google.controls.user.createEvent(accounts[n % CONNECTIONS], { summary: `Burst ${n}`, start: { dateTime: new Date(at).toISOString() }, end: { dateTime: new Date(at + 1_800_000).toISOString() } });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (round + 1) * 50 - Date.now())));
    }
    const sentIn = Date.now() - started;
    await waitFor(
      async () => {
        const n = Number((await db.query(`SELECT count(*)::int AS n FROM blocked_slots`)).rows[0].n) - slotsBefore;
        if (n < CHANGES) throw new Error(`${n} of ${CHANGES} slots`);
      },
      { timeoutMs: 600_000, intervalMs: 20, what: 'every change to be a blocked slot' },
    );
    const allSlotsMs = Date.now() - started;
    sampling = false;
    await sampler;
    await google.controls.notifications.settled();
    const delivered = google.controls.notifications.records().filter((r) => r.notification.kind === 'google-change' && r.queuedAt >= started);
    const pulls = (google.controls.stats().byRoute[LIST] ?? 0) - listsBefore;
    const result = {
      connections: CONNECTIONS,
      changes: CHANGES,
      changesSentInMs: sentIn,
      notificationsDelivered: delivered.length,
      notificationAnswers: [...new Set(delivered.map((d) => d.status))],
      pullsRun: pulls,
      pullsPerConnection: +(pulls / CONNECTIONS).toFixed(2),
      maxPullsInFlightPerConnection: maxPerConnection,
      maxPullsInFlight: maxActive,
      lastSlotAfterMs: allSlotsMs,
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await db.end();
    await system.stop();
    await google.stop();
  }
}

/** The OAuth flow as a browser would follow it: authorize URL, the emulator's consent, the callback. */
async function connect(system: BenchSystem, staffId: string, account: string): Promise<string> {
  const res = await fetch(`${system.baseUrl}/v1/staff/${staffId}/connections/google/authorize`, { headers: { authorization: `Bearer ${system.token('staff', staffId)}` } });
  const { url } = (await res.json()) as { url: string };
  const consent = await fetch(`${url}&login_hint=${encodeURIComponent(account)}`, { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
  const connectionId = new URLSearchParams(new URL(callback.headers.get('location')!).hash.slice(1)).get('connectionId');
  if (!connectionId) throw new Error(`connect ${account}: ${callback.headers.get('location')}`);
  return connectionId;
}
