import { AccountContext, syncConfig } from '@calbridge/calendar-sync';
import { CaldavProvider, PushedEventsRepository } from '@calbridge/calendar-sync/testing';
import { MetricsService } from '@calbridge/core';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { Radicale } from '../support/radicale';
import { TestSystem, TestSystemOptions } from '../support/test-system';
import { waitFor } from '../support/wait';

/** Fast cron fallback for tests: a tick every 250 ms, a pull per connection every second. */
export const FAST_SYNC_ENV: Record<string, string> = {
  SYNC_TICK_INTERVAL_MS: '250',
  SYNC_PULL_INTERVAL_SECONDS: '1',
  SYNC_BACKOFF_BASE_MS: '200',
  SYNC_BACKOFF_MAX_MS: '2000',
};

export function startSyncSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  return TestSystem.start({ api: true, worker: true, ...options, env: { ...FAST_SYNC_ENV, ...options.env } });
}

export interface ConnectionView {
  id: string;
  status: string;
  pushCalendarId: string | null;
  pullCalendarIds: string[];
  lastSyncedAt: string | null;
  lastError: string | null;
  failureCount: number;
  /** Rate limits in a row (not failures). */
  rateLimitedCount?: number;
  backoffUntil?: string | null;
}

/** Connects a staff member's Radicale account through the api, as the staff member. */
export async function connectCaldav(system: TestSystem, radicale: Radicale, staffId: string, user: string, password: string): Promise<ConnectionView> {
  const res = await system
    .http(system.staffToken(staffId))
    .post(`/v1/staff/${staffId}/connections/caldav`, { serverUrl: `${radicale.url}/`, username: user, appPassword: password });
  if (res.status !== 201) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ConnectionView;
}

export async function connection(system: TestSystem, id: string): Promise<ConnectionView> {
  const res = await system.http(system.adminToken()).get(`/v1/connections/${id}`).expect(200);
  return res.body as ConnectionView;
}

/** Waits until the connection has completed a pull after `since` (the first full sync, or a later tick). */
export function waitForPull(system: TestSystem, id: string, since: number, what = 'a pull'): Promise<ConnectionView> {
  return waitFor(
    async () => {
      const c = await connection(system, id);
      if (!c.lastSyncedAt || new Date(c.lastSyncedAt).getTime() <= since) throw new Error(`status ${c.status}, last synced ${c.lastSyncedAt}`);
      return c;
    },
    { timeoutMs: 15_000, what },
  );
}

export interface SlotView {
  id: string;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  source: string;
}

export async function blockedSlots(system: TestSystem, staffId: string, days = 350): Promise<SlotView[]> {
  const from = DateTime.now().minus({ days: 40 }).toUTC().toISO()!;
  const to = DateTime.now().plus({ days }).toUTC().toISO()!;
  const res = await system.http(system.adminToken()).get(`/v1/staff/${staffId}/blocked-slots?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).expect(200);
  return (res.body as SlotView[]).filter((s) => s.source === 'external');
}

/** Requests the worker sent to calendar providers, by HTTP method (its Prometheus counter). */
export async function remoteRequests(system: TestSystem): Promise<Record<string, number>> {
  const metric = await system.worker!.get(MetricsService).registry.getSingleMetric('calbridge_sync_remote_requests_total')?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) out[String(v.labels.method)] = (out[String(v.labels.method)] ?? 0) + v.value;
  return out;
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** A day `days` from today at `time` in `zone`, as a UTC ISO string. */
export function utcAt(days: number, time: string, zone = 'UTC'): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now().setZone(zone).startOf('day').plus({ days }).set({ hour, minute }).toUTC().toISO()!;
}

export interface ProviderObservation {
  /** Worker override wrapping the CalDAV provider. */
  override(builder: TestingModuleBuilder): TestingModuleBuilder;
  /** Provider calls per connection (each makes one or more HTTP requests). */
  calls: Map<string, number>;
  /** Most provider calls in flight at once for any one connection. */
  maxInFlight: number;
}

/** Wraps the worker's CalDAV provider to see, per connection, how often and how concurrently it is called. */
export function observeProvider(): ProviderObservation {
  const inFlight = new Map<string, number>();
  const observation: ProviderObservation = {
    calls: new Map(),
    maxInFlight: 0,
    override: (builder) =>
      builder.overrideProvider(CaldavProvider).useFactory({
        inject: [syncConfig.KEY, MetricsService],
        factory: (config: ConstructorParameters<typeof CaldavProvider>[0], metrics: MetricsService) => {
          const provider = new CaldavProvider(config, metrics);
          for (const method of ['listCalendars', 'pullChanges', 'upsertEvent', 'deleteEvent', 'inventory'] as const) {
            const original = provider[method].bind(provider) as (account: AccountContext, ...rest: unknown[]) => Promise<unknown>;
            Object.assign(provider, {
              [method]: async (account: AccountContext, ...rest: unknown[]) => {
                const id = account.connectionId;
                observation.calls.set(id, (observation.calls.get(id) ?? 0) + 1);
                inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
                observation.maxInFlight = Math.max(observation.maxInFlight, inFlight.get(id)!);
                try {
                  return await original(account, ...rest);
                } finally {
                  inFlight.set(id, inFlight.get(id)! - 1);
                }
              },
            });
          }
          return provider;
        },
      }),
  };
  return observation;
}

/** Worker override: every mapping write after a remote write fails, as if the worker died between the two. */
export function crashBeforeMappingWrite(builder: TestingModuleBuilder): TestingModuleBuilder {
  return builder.overrideProvider(PushedEventsRepository).useFactory({
    inject: [getDataSourceToken()],
    factory: (dataSource: DataSource) => {
      const repository = new PushedEventsRepository(dataSource);
      repository.recordWrite = async () => {
        throw new Error('simulated crash after the remote write');
      };
      return repository;
    },
  });
}
