import { PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { JobsRepository } from '@calbridge/scheduling';
import { authorize } from '../support/emulators';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { connection, ConnectionView, startSyncSystem } from './sync-fixture';

/**
 * Shared by the Google and Microsoft sync tests: calbridge (api listening, so the emulators can
 * call its webhooks, and worker) with the cron fallback switched off — every pull after the
 * first is woken by a provider notification unless a test runs the tick itself.
 */
export function startWebhookDrivenSystem(emulatorEnv: Record<string, string>): Promise<TestSystem> {
  return startSyncSystem({
    listen: true,
    env: { ...emulatorEnv, SYNC_TICK_INTERVAL_MS: '3600000', SYNC_PULL_INTERVAL_SECONDS: '1', SYNC_BACKOFF_BASE_MS: '200' },
  });
}

export interface OAuthConnected {
  connectionId: string;
  /** Where the callback sent the browser. */
  location: string;
}

/**
 * Connects through the real OAuth flow, as the staff member: calbridge's authorize URL, the
 * emulator's consent (automatic, as `loginHint`), calbridge's callback with what came back.
 */
export async function connectThroughOAuth(system: TestSystem, provider: 'google' | 'microsoft', staffId: string, loginHint?: string): Promise<OAuthConnected> {
  const { url } = (await system.http(system.staffToken(staffId)).get(`/v1/staff/${staffId}/connections/${provider}/authorize`).expect(200)).body as { url: string };
  const back = await authorize(loginHint ? `${url}&login_hint=${encodeURIComponent(loginHint)}` : url);
  const res = await system.http().get(`/oauth/${provider}/callback?${back.toString()}`).expect(302);
  const location = res.headers.location as string;
  const connectionId = new URLSearchParams(new URL(location).hash.slice(1)).get('connectionId');
  if (!connectionId) throw new Error(`connect failed: ${location}`);
  return { connectionId, location };
}

/** The state and query an authorize URL sends the user to the provider with. */
export async function authorizeUrl(system: TestSystem, provider: 'google' | 'microsoft', staffId: string): Promise<URL> {
  const { url } = (await system.http(system.staffToken(staffId)).get(`/v1/staff/${staffId}/connections/${provider}/authorize`).expect(200)).body as { url: string };
  return new URL(url);
}

/** Waits until the connection's first full sync is done and it has a push channel. */
export async function waitUntilLive(system: TestSystem, connectionId: string): Promise<ConnectionView> {
  return waitFor(
    async () => {
      const c = await connection(system, connectionId);
      if (c.status !== 'active' || !c.lastSyncedAt) throw new Error(`status ${c.status}`);
      const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM sync_channels WHERE connection_id = $1`, [connectionId]);
      if (row.n < 1) throw new Error('no push channel yet');
      return c;
    },
    { what: 'the first sync and a push channel' },
  );
}

/** Waits until every ledger row of these jobs is synced at the job's current version. */
export function waitForPushes(system: TestSystem, connectionId: string, jobIds: string[], what = 'the pushes to settle'): Promise<void> {
  return waitFor(
    async () => {
      const versions = new Map((await system.app.get(JobsRepository).records(jobIds)).map((r) => [r.job.id, r.job.version]));
      const rows = (await system.app.get(PushedEventsRepository).all(connectionId)).filter((r) => jobIds.includes(r.jobId));
      const unsettled = jobIds.length - rows.filter((r) => r.state === 'synced' && r.pushedVersion === versions.get(r.jobId)).length;
      if (unsettled) throw new Error(`${unsettled} not pushed yet`);
    },
    { what },
  );
}

/** Waits until the ledger forgot these jobs (nothing left to show or remove). */
export function waitForForgotten(system: TestSystem, connectionId: string, jobIds: string[]): Promise<void> {
  return waitFor(
    async () => {
      const rows = (await system.app.get(PushedEventsRepository).all(connectionId)).filter((r) => jobIds.includes(r.jobId));
      if (rows.length) throw new Error(`${rows.length} still in the ledger`);
    },
    { what: 'the removals to settle' },
  );
}

/** Requests by emulator route since `before` (only routes that moved). */
export function routeDiff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) if (n - (before[route] ?? 0) > 0) out[route] = n - (before[route] ?? 0);
  return out;
}

/** Waits until no pull is waiting or running (before a test that must see which requests it causes). */
export function waitForQuietPulls(system: TestSystem): Promise<void> {
  return waitFor(
    async () => {
      const counts = await system.app.get(SyncQueues).all.pull.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      const busy = Object.values(counts).reduce((a, b) => a + b, 0);
      if (busy) throw new Error(`${busy} pulls waiting or running`);
    },
    { what: 'the pulls to finish' },
  );
}

/** Every job the pull queue has seen, whatever its state (a spoofed webhook must add none). */
export async function pullJobsSeen(system: TestSystem): Promise<number> {
  const counts = await system.app.get(SyncQueues).all.pull.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The channel calbridge registered for a connection (id as the provider knows it). */
export async function channelOf(system: TestSystem, connectionId: string): Promise<{ channelId: string; expiresAt: Date }> {
  const [row] = await system.dataSource.query(`SELECT channel_id, expires_at FROM sync_channels WHERE connection_id = $1 ORDER BY expires_at DESC LIMIT 1`, [
    connectionId,
  ]);
  return { channelId: row.channel_id, expiresAt: new Date(row.expires_at) };
}

/** Runs the cron fallback's tick once, as the job scheduler would (it pulls connections whose last sync is older than the interval). */
export async function runTick(system: TestSystem): Promise<void> {
  await system.app.get(SyncQueues).all.maintenance.add('maintenance.tick', {}, { removeOnComplete: true, removeOnFail: 100 });
}

/** Audit entries of a connection, oldest first. */
export async function auditActions(system: TestSystem, connectionId: string): Promise<string[]> {
  const rows: Array<{ action: string }> = await system.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [connectionId]);
  return rows.map((r) => r.action);
}

