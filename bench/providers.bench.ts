import { ConnectionsRepository, PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { Principal } from '@calbridge/core';
import { StaffService, VenuesService } from '@calbridge/scheduling';
import { AssignmentsService, JobsService } from '@calbridge/scheduling/testing';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { NotificationTransport, RunningGoogleEmulator, RunningMicrosoftEmulator, startGoogleEmulator, startMicrosoftEmulator } from '../apps/emulators/src';
import { httpTransport } from '../apps/emulators/src/shared/notifier';
import { waitFor } from '../test/support/wait';
import { BenchSystem, startBenchSystem } from './support/bench-system';
import { summarize } from './support/stats';

const ADMIN: Principal = { role: 'admin', subject: 'bench-admin', venueIds: [] };
const FIRST_SYNC_EVENTS = 5_000;
const RECURRING_EVENTS = 100;
const LATENCY_CHANGES = 500;
const CHANGES_PER_SECOND = 20;
const PUSH_JOBS = 500;
const PUSH_CANCELS = 100;

type ProviderKey = 'google' | 'microsoft';

/** What the scenario needs from one emulator, whatever its API. */
interface RemoteCalendar {
  env: Record<string, string>;
  addAccount(email: string): void;
  createEvent(account: string, summary: string, startsAt: Date, endsAt: Date): string;
  createWeeklySeries(account: string, summary: string, startsAt: Date, minutes: number, count: number): void;
  stats(): Record<string, number>;
  /** Routes that are pushes (writes, and the reads a write may need). */
  isPushRoute(route: string): boolean;
  stop(): Promise<void>;
}

/** Every change notification the emulator sent to calbridge: when, how fast calbridge answered, and what it named. */
interface Delivery {
  sentAt: number;
  ackMs: number;
  status: number;
  target: string;
  body: string;
}

export const runGoogle = () => run('google');
export const runMicrosoft = () => run('microsoft');

/**
 * Google or Microsoft against its emulator, with calbridge's api (listening: the emulator calls
 * its webhooks) and worker in this process, cron fallback off:
 * 1. first sync of 5,000 events (4,900 single, 100 weekly series of 20) from the OAuth callback
 *    to the committed full pull;
 * 2. webhook latency: 500 remote changes at 20 per second, each overlapping a job — from the
 *    notification reaching calbridge to the blocked slot committed and the conflict recorded;
 * 3. pushes: 500 assignments (creates), 500 reschedules (updates), 100 cancellations (deletes),
 *    remote requests per pushed change.
 */
async function run(provider: ProviderKey): Promise<Record<string, unknown>> {
  const deliveries: Delivery[] = [];
  const transport: NotificationTransport = async (notification, signal) => {
    const sentAt = Date.now();
    const res = await httpTransport(notification, signal);
    if (notification.kind === 'google-change' || notification.kind === 'graph-change') {
      deliveries.push({ sentAt, ackMs: Date.now() - sentAt, status: res.status, target: notification.target, body: notification.body });
    }
    return res;
  };
  const remote = provider === 'google' ? googleCalendar(await startGoogleEmulator({ notificationTransport: transport })) : microsoftCalendar(await startMicrosoftEmulator({ notificationTransport: transport }));
  const system = await startBenchSystem({
    name: provider,
    worker: true,
    // No cron during measurements: every pull is a notification's (or the first one).
    env: { ...remote.env, SYNC_TICK_INTERVAL_MS: '3600000', SYNC_PULL_INTERVAL_SECONDS: '86400', SYNC_WORKER_CONCURRENCY: '4', DATABASE_POOL_SIZE: '10' },
  });
  try {
    const api = system.api!;
    const venue = await api.get(VenuesService).create(ADMIN, { name: 'Bench venue', timezone: 'Europe/Berlin' });
    const newStaff = (name: string) => api.get(StaffService).create(ADMIN, { name, email: `${name.toLowerCase()}@bench.example`, venueIds: [venue.id] });

    // ---- 1. first sync --------------------------------------------------------------------------
    const puller = await newStaff('Puller');
    const pullerAccount = 'puller@bench.example';
    remote.addAccount(pullerAccount);
    const start = DateTime.utc().startOf('day');
    for (let i = 0; i < FIRST_SYNC_EVENTS - RECURRING_EVENTS; i++) {
      const at = start.plus({ days: -25 + (i % 380), hours: 8 + (i % 10) });
      remote.createEvent(pullerAccount, `Event ${i}`, at.toJSDate(), at.plus({ minutes: 50 }).toJSDate());
    }
    for (let i = 0; i < RECURRING_EVENTS; i++) remote.createWeeklySeries(pullerAccount, `Series ${i}`, start.plus({ days: i % 7, hours: 7 }).toJSDate(), 45, 20);
    const before1 = remote.stats();
    const t1 = Date.now();
    const pullConnection = await connect(system, provider, puller.id, pullerAccount);
    await waitFor(
      async () => {
        const [calendar] = await api.get(ConnectionsRepository).calendars(pullConnection);
        if (!calendar?.lastFullSyncAt) throw new Error('first sync still running');
      },
      { timeoutMs: 600_000, intervalMs: 20, what: 'the first sync' },
    );
    const firstSyncMs = Date.now() - t1;
    const slots = await count(system, `SELECT count(*)::int AS n FROM blocked_slots WHERE connection_id = $1`, [pullConnection]);
    const firstSync = {
      events: FIRST_SYNC_EVENTS,
      blockedSlots: slots,
      wallMs: firstSyncMs,
      eventsPerSecond: Math.round((FIRST_SYNC_EVENTS / firstSyncMs) * 1000),
      remoteRequests: diff(remote.stats(), before1),
      note: 'from the OAuth callback (code exchange, calendar list, connection stored) to the first full pull committed',
    };
    console.log(`${provider} first sync: ${FIRST_SYNC_EVENTS} events -> ${slots} blocked slots in ${firstSyncMs} ms (${sum(firstSync.remoteRequests)} requests)`);

    // ---- 2. webhook -> blocked slot -> conflict ------------------------------------------------
    const watcher = await newStaff('Watcher');
    const watcherAccount = 'watcher@bench.example';
    remote.addAccount(watcherAccount);
    const watchConnection = await connect(system, provider, watcher.id, watcherAccount);
    await waitUntilLive(system, watchConnection);
    const spanStart = start.plus({ days: 40 });
    const longJob = await api.get(JobsService).create(ADMIN, {
      venueId: venue.id,
      title: 'Long bench job',
      startsAt: spanStart.toISO()!,
      endsAt: spanStart.plus({ days: 25 }).toISO()!,
      status: 'confirmed',
    });
    await api.get(AssignmentsService).assign(ADMIN, longJob.id, { staffId: watcher.id });
    await waitForSynced(system, watchConnection, 1);
    await waitForQuiet(system);
    deliveries.length = 0;
    const changes: Array<{ id: string; at: number }> = [];
    const seen = new Map<string, { slot?: number; conflict?: number }>();
    const poller = pollCommits(system, watchConnection, seen);
    const t2 = Date.now();
    for (let i = 0; i < LATENCY_CHANGES; i++) {
      const due = t2 + (i * 1000) / CHANGES_PER_SECOND;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const at = spanStart.plus({ days: i % 24, hours: Math.floor(i / 24) % 24, minutes: 5 });
      changes.push({ id: remote.createEvent(watcherAccount, `Change ${i}`, at.toJSDate(), at.plus({ minutes: 30 }).toJSDate()), at: Date.now() });
    }
    const changesMadeInMs = Date.now() - t2;
    await waitFor(
      () => {
        const missing = changes.filter((c) => seen.get(c.id)?.conflict === undefined).length;
        if (missing) throw new Error(`${missing} conflicts not recorded yet`);
      },
      { timeoutMs: 180_000, intervalMs: 50, what: 'every change to become a conflict' },
    );
    await poller.stop();
    const received = matchDeliveries(provider, changes, deliveries);
    const slotMs = changes.map((c, i) => seen.get(c.id)!.slot! - received[i]);
    const conflictMs = changes.map((c, i) => seen.get(c.id)!.conflict! - received[i]);
    const webhook = {
      changes: LATENCY_CHANGES,
      ratePerSecond: CHANGES_PER_SECOND,
      changesMadeInMs,
      notifications: deliveries.length,
      webhookAckMs: round(summarize(deliveries.map((d) => d.ackMs))),
      webhookStatuses: [...new Set(deliveries.map((d) => d.status))],
      receivedToSlotCommittedMs: round(summarize(slotMs)),
      receivedToConflictRecordedMs: round(summarize(conflictMs)),
      pulls: await count(system, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'blocked_slots.synced' AND entity_id IN (SELECT id::text FROM sync_calendars WHERE connection_id = $1)`, [
        watchConnection,
      ]),
      note: 'times from the notification leaving the emulator (loopback) to the commit seen by a 5 ms poller; slot and conflict commit in one transaction',
    };
    console.log(
      `${provider} webhook -> slot: p50 ${webhook.receivedToSlotCommittedMs.p50} ms, p99 ${webhook.receivedToSlotCommittedMs.p99} ms; -> conflict: p50 ${webhook.receivedToConflictRecordedMs.p50} ms, p99 ${webhook.receivedToConflictRecordedMs.p99} ms; ack p99 ${webhook.webhookAckMs.p99} ms`,
    );

    // ---- 3. pushes -------------------------------------------------------------------------------
    const pusher = await newStaff('Pusher');
    const pusherAccount = 'pusher@bench.example';
    remote.addAccount(pusherAccount);
    const pushConnection = await connect(system, provider, pusher.id, pusherAccount);
    await waitUntilLive(system, pushConnection);
    const jobs: Array<{ id: string; startsAt: DateTime }> = [];
    const day0 = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 1 });
    for (let i = 0; i < PUSH_JOBS; i++) {
      const startsAt = day0.plus({ days: Math.floor(i / 4), hours: 8 + (i % 4) * 2 });
      const job = await api.get(JobsService).create(ADMIN, { venueId: venue.id, title: `Push job ${i}`, service: 'Cut', startsAt: startsAt.toISO()!, endsAt: startsAt.plus({ hours: 1 }).toISO()!, status: 'confirmed' });
      jobs.push({ id: job.id, startsAt });
    }
    const pushPhase = async (name: string, changed: number, change: (job: (typeof jobs)[number], i: number) => Promise<unknown>, expectedRows: number) => {
      const queue = system.worker!.get(SyncQueues).all.push;
      await queue.pause();
      for (let i = 0; i < jobs.length; i++) await change(jobs[i], i);
      await waitFor(
        async () => {
          const pending = (await system.worker!.get(PushedEventsRepository).all(pushConnection)).filter((r) => r.state === 'pending').length;
          if (pending < changed) throw new Error(`${pending} of ${changed} changes relayed`);
        },
        { timeoutMs: 300_000, intervalMs: 25, what: `${name} to reach the ledger` },
      );
      const before = remote.stats();
      const t = Date.now();
      await queue.resume();
      await waitForSynced(system, pushConnection, expectedRows, 300_000);
      const wallMs = Date.now() - t;
      await waitForQuiet(system);
      const requests = diff(remote.stats(), before);
      const pushRequests = Object.entries(requests)
        .filter(([route]) => remote.isPushRoute(route))
        .reduce((n, [, v]) => n + v, 0);
      const result = {
        changes: changed,
        wallMs,
        changesPerSecond: Math.round((changed / wallMs) * 1000),
        remoteRequests: requests,
        pushRequestsPerChange: round2(pushRequests / changed),
        allRequestsPerChange: round2(sum(requests) / changed),
      };
      console.log(
        `${provider} push ${name}: ${changed} changes in ${wallMs} ms; ${result.pushRequestsPerChange} push requests per change (${result.allRequestsPerChange} with the pulls our own writes' notifications cause)`,
      );
      return result;
    };
    const assign = await pushPhase('assignments (creates)', PUSH_JOBS, (job) => api.get(AssignmentsService).assign(ADMIN, job.id, { staffId: pusher.id }), PUSH_JOBS);
    const reschedule = await pushPhase(
      'reschedules (updates)',
      PUSH_JOBS,
      (job) => api.get(JobsService).update(ADMIN, job.id, { startsAt: job.startsAt.plus({ minutes: 30 }).toISO()!, endsAt: job.startsAt.plus({ minutes: 90 }).toISO()! }),
      PUSH_JOBS,
    );
    const cancel = await pushPhase(
      'cancellations (deletes)',
      PUSH_CANCELS,
      (job, i) => (i < PUSH_CANCELS ? api.get(JobsService).update(ADMIN, job.id, { status: 'cancelled' }) : Promise.resolve()),
      PUSH_JOBS - PUSH_CANCELS,
    );

    return {
      emulator: provider === 'google' ? 'Google Calendar v3 emulator (in process, HTTP)' : 'Microsoft Graph v1.0 emulator (in process, HTTPS)',
      firstSync,
      webhook,
      push: { assign, reschedule, cancel },
      targets: { webhookToConflictP99Ms: 1000, firstSyncMs: 10_000, requestsPerPushedChange: 1.05 },
    };
  } finally {
    await system.stop();
    await remote.stop();
  }
}

// ---- emulators ---------------------------------------------------------------------------------

function googleCalendar(emulator: RunningGoogleEmulator): RemoteCalendar {
  const writes = new Set(['POST /calendar/v3/calendars/:calendarId/events', 'PUT /calendar/v3/calendars/:calendarId/events/:eventId', 'DELETE /calendar/v3/calendars/:calendarId/events/:eventId', 'GET /calendar/v3/calendars/:calendarId/events/:eventId']);
  return {
    env: emulator.calbridgeEnv(),
    addAccount: (email) => void emulator.controls.addAccount({ email, timeZone: 'Europe/Berlin' }),
    createEvent: (account, summary, startsAt, endsAt) =>
      emulator.controls.user.createEvent(account, { summary, start: { dateTime: startsAt.toISOString() }, end: { dateTime: endsAt.toISOString() } }).id as string,
    createWeeklySeries: (account, summary, startsAt, minutes, count) =>
      void emulator.controls.user.createEvent(account, {
        summary,
        start: { dateTime: startsAt.toISOString().slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: new Date(startsAt.getTime() + minutes * 60_000).toISOString().slice(0, 19), timeZone: 'UTC' },
        recurrence: [`RRULE:FREQ=WEEKLY;COUNT=${count}`],
      }),
    stats: () => emulator.controls.stats().byRoute,
    isPushRoute: (route) => writes.has(route),
    stop: () => emulator.stop(),
  };
}

function microsoftCalendar(emulator: RunningMicrosoftEmulator): RemoteCalendar {
  const writes = new Set(['POST /v1.0/me/calendars/:calendarId/events', 'PATCH /v1.0/me/events/:eventId', 'DELETE /v1.0/me/events/:eventId', 'GET /v1.0/me/calendars/:calendarId/events']);
  const utc = (at: Date) => ({ dateTime: at.toISOString().slice(0, 19), timeZone: 'UTC' });
  return {
    env: emulator.calbridgeEnv(),
    addAccount: (email) => void emulator.controls.addAccount({ email }),
    createEvent: (account, subject, startsAt, endsAt) => emulator.controls.user.createEvent(account, { subject, start: utc(startsAt), end: utc(endsAt) }).id,
    createWeeklySeries: (account, subject, startsAt, minutes, count) =>
      void emulator.controls.user.createEvent(account, {
        subject,
        start: utc(startsAt),
        end: utc(new Date(startsAt.getTime() + minutes * 60_000)),
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: [DateTime.fromJSDate(startsAt, { zone: 'UTC' }).toFormat('cccc').toLowerCase()] },
          range: { type: 'numbered', startDate: startsAt.toISOString().slice(0, 10), numberOfOccurrences: count },
        },
      }),
    stats: () => emulator.controls.stats().byRoute,
    isPushRoute: (route) => writes.has(route),
    stop: () => emulator.stop(),
  };
}

/**
 * The notification that told calbridge about each change. Graph names the event; Google's
 * header-only messages do not, but one channel's messages arrive in the order of the changes.
 */
function matchDeliveries(provider: ProviderKey, changes: Array<{ id: string; at: number }>, deliveries: Delivery[]): number[] {
  if (provider === 'microsoft') {
    const byEvent = new Map<string, number>();
    for (const d of deliveries) {
      for (const n of (JSON.parse(d.body) as { value?: Array<{ resourceData?: { id?: string } }> }).value ?? []) {
        if (n.resourceData?.id && !byEvent.has(n.resourceData.id)) byEvent.set(n.resourceData.id, d.sentAt);
      }
    }
    return changes.map((c) => byEvent.get(c.id) ?? c.at);
  }
  const ordered = [...deliveries].sort((a, b) => a.sentAt - b.sentAt);
  return changes.map((c, i) => ordered[i]?.sentAt ?? c.at);
}

// ---- calbridge -----------------------------------------------------------------------------------

/** The OAuth flow as a browser would follow it: authorize URL, the emulator's consent, the callback. */
async function connect(system: BenchSystem, provider: ProviderKey, staffId: string, account: string): Promise<string> {
  const res = await fetch(`${system.baseUrl}/v1/staff/${staffId}/connections/${provider}/authorize`, { headers: { authorization: `Bearer ${system.token('staff', staffId)}` } });
  const { url } = (await res.json()) as { url: string };
  const consent = await fetch(`${url}&login_hint=${encodeURIComponent(account)}`, { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
  const connectionId = new URLSearchParams(new URL(callback.headers.get('location')!).hash.slice(1)).get('connectionId');
  if (!connectionId) throw new Error(`connect ${account}: ${callback.headers.get('location')}`);
  return connectionId;
}

function waitUntilLive(system: BenchSystem, connectionId: string): Promise<void> {
  return waitFor(
    async () => {
      const channels = await count(system, `SELECT count(*)::int AS n FROM sync_channels WHERE connection_id = $1`, [connectionId]);
      if (!channels) throw new Error('no push channel yet');
    },
    { timeoutMs: 60_000, what: 'a push channel' },
  );
}

function waitForSynced(system: BenchSystem, connectionId: string, rows: number, timeoutMs = 60_000): Promise<void> {
  return waitFor(
    async () => {
      const ledger = await system.worker!.get(PushedEventsRepository).all(connectionId);
      const synced = ledger.filter((r) => r.state === 'synced').length;
      if (synced !== rows || ledger.length !== rows) throw new Error(`${synced} of ${rows} synced (${ledger.length} rows)`);
    },
    { timeoutMs, intervalMs: 25, what: 'the pushes' },
  );
}

function waitForQuiet(system: BenchSystem): Promise<void> {
  return waitFor(
    async () => {
      const counts = await system.worker!.get(SyncQueues).all.pull.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) throw new Error('pulls still running');
    },
    { timeoutMs: 60_000, intervalMs: 25, what: 'the pulls to settle' },
  );
}

/** First time each remote event's slot, and its open conflict, became visible (polled every 5 ms). */
function pollCommits(system: BenchSystem, connectionId: string, seen: Map<string, { slot?: number; conflict?: number }>): { stop(): Promise<void> } {
  const db = new Client({ connectionString: system.databaseUrl });
  let running = true;
  const loop = (async () => {
    await db.connect();
    while (running) {
      const { rows } = await db.query<{ external_event_id: string; conflict: boolean }>(
        `SELECT b.external_event_id, EXISTS (SELECT 1 FROM conflicts c WHERE c.blocked_slot_id = b.id AND c.status = 'open') AS conflict
           FROM blocked_slots b WHERE b.connection_id = $1`,
        [connectionId],
      );
      const now = Date.now();
      for (const row of rows) {
        const entry = seen.get(row.external_event_id) ?? {};
        entry.slot ??= now;
        if (row.conflict) entry.conflict ??= now;
        seen.set(row.external_event_id, entry);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await db.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function count(system: BenchSystem, sql: string, params: unknown[] = []): Promise<number> {
  const db = new Client({ connectionString: system.databaseUrl });
  await db.connect();
  try {
    return (await db.query<{ n: number }>(sql, params)).rows[0].n;
  } finally {
    await db.end();
  }
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const round2 = (v: number): number => Math.round(v * 100) / 100;
const round = <T extends Record<string, number>>(s: T): T => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round2(v)])) as T;
