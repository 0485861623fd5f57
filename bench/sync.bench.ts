import { CaldavProvider, ConnectionsRepository, PullService, PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { MetricsService, Principal } from '@calbridge/core';
import { StaffService, VenuesService } from '@calbridge/scheduling';
import { AssignmentsService, JobsService } from '@calbridge/scheduling/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { DateTime } from 'luxon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ics, icsUtc, Radicale } from '../test/support/radicale';
import { waitFor } from '../test/support/wait';
import { startBenchSystem } from './support/bench-system';

const FIRST_PULL_EVENTS = 5_000;
const RECURRING_EVENTS = 100;
const INCREMENTAL_CHANGES = 10;
const PUSH_STAFF = 10;
const PUSH_JOBS = 1_000;
const ADMIN: Principal = { role: 'admin', subject: 'bench-admin', venueIds: [] };

/**
 * Calendar sync against a real Radicale, with the api and worker running in this process:
 * the first pull of a calendar holding 5,000 events, an incremental pull of 10 changes, and the
 * push of 1,000 job changes (then 1,000 reschedules) spread over 10 connected staff members.
 */
export async function run(): Promise<Record<string, unknown>> {
  const users: Record<string, string> = { puller: 'puller-pass' };
  for (let i = 0; i < PUSH_STAFF; i++) users[`pusher${i}`] = `pusher${i}-pass`;
  const radicale = await Radicale.start(users);
  const system = await startBenchSystem({
    name: 'sync',
    worker: true,
    // No cron during measurements: every pull here is asked for.
    env: { SYNC_TICK_INTERVAL_MS: '3600000', SYNC_PULL_INTERVAL_SECONDS: '86400', SYNC_WORKER_CONCURRENCY: '4', DATABASE_POOL_SIZE: '10' },
  });
  try {
    const api = system.api!;
    const worker = system.worker!;
    const venue = await api.get(VenuesService).create(ADMIN, { name: 'Bench venue', timezone: 'Europe/Berlin' });
    const connect = async (staffId: string, user: string) => {
      const res = await fetch(`${system.baseUrl}/v1/staff/${staffId}/connections/caldav`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.token('staff', staffId)}` },
        body: JSON.stringify({ serverUrl: `${radicale.url}/`, username: user, appPassword: users[user] }),
      });
      if (res.status !== 201) throw new Error(`connect ${user}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };

    // Time spent inside the provider (HTTP to Radicale and reading iCalendar), to tell it from the engine's own work.
    const providerMs = instrument(worker.get(CaldavProvider));

    // ---- pull ---------------------------------------------------------------------------------
    const puller = await api.get(StaffService).create(ADMIN, { name: 'Puller', email: 'puller@bench.example', venueIds: [venue.id] });
    await radicale.client('puller').mkcalendar('big', 'Big');
    seedCalendar(radicale.collectionDir('puller', 'big'));
    // Objects written to disk are in none of Radicale's caches yet (objects PUT over HTTP, then
    // synced by the user's other devices, are): another client lists and syncs the calendar
    // first, so the pull below meets a server in its normal state. The warm-up is reported too.
    const tWarm = process.hrtime.bigint();
    await radicale.client('puller').report('big', '<C:calendar-data/>');
    await radicale.client('puller').syncCollection('big');
    const serverWarmUpMs = msSince(tWarm);
    const requests0 = await remoteRequests(worker);
    const t0 = process.hrtime.bigint();
    const pullConn = await connect(puller.id, 'puller');
    await waitFor(
      async () => {
        const [row] = await system.api!.get(ConnectionsRepository).calendars(pullConn.id);
        if (!row?.lastFullSyncAt) throw new Error('first pull still running');
      },
      { timeoutMs: 600_000, intervalMs: 20, what: 'the first pull' },
    );
    const firstPullMs = msSince(t0);
    const requests1 = await remoteRequests(worker);
    const slots = await count(system.databaseUrl, `SELECT count(*)::int AS n FROM blocked_slots WHERE connection_id = $1`, [pullConn.id]);
    const firstPull = {
      events: FIRST_PULL_EVENTS,
      blockedSlots: slots,
      wallMs: round(firstPullMs),
      providerMs: round(providerMs.take()),
      eventsPerSecond: round((FIRST_PULL_EVENTS / firstPullMs) * 1000),
      remoteRequests: diff(requests1, requests0),
      serverWarmUpMs: round(serverWarmUpMs),
      note: 'from POST /connections/caldav (discovery included) to the first full pull committed; the server cache was warmed first',
    };
    console.log(
      `first pull: ${FIRST_PULL_EVENTS} events -> ${slots} blocked slots in ${ms(firstPullMs)} (${firstPull.eventsPerSecond} events/s, ${sum(firstPull.remoteRequests)} requests)`,
    );

    // The same calendar listed and fetched again in full (Radicale's caches now warm), without the queue.
    const refetch = async () => {
      const connection = (await worker.get(ConnectionsRepository).findById(pullConn.id))!;
      const before = await remoteRequests(worker);
      providerMs.take();
      const t = process.hrtime.bigint();
      await worker.get(PullService).pullConnection(connection, { full: true, refetch: true });
      const elapsed = msSince(t);
      return {
        wallMs: round(elapsed),
        providerMs: round(providerMs.take()),
        eventsPerSecond: round((FIRST_PULL_EVENTS / elapsed) * 1000),
        remoteRequests: diff(await remoteRequests(worker), before),
      };
    };
    const fullRefetch = await refetch();
    console.log(`full refetch (warm server): ${ms(fullRefetch.wallMs)} (${fullRefetch.eventsPerSecond} events/s, provider ${ms(fullRefetch.providerMs)})`);

    // Ten changes made by another client: 5 moved, 3 created, 2 deleted.
    const incremental = async (round: number) => {
      const client = radicale.client('puller');
      for (let i = 0; i < 5; i++) await client.put('big', `e${round * 10 + i}.ics`, single(`e${round * 10 + i}`, 40 + round, 12 + i));
      for (let i = 0; i < 3; i++) await client.put('big', `new-${round}-${i}.ics`, single(`new-${round}-${i}`, 41 + round, 9 + i));
      for (let i = 0; i < 2; i++) await client.delete('big', `e${1000 + round * 10 + i}.ics`);
      const connection = (await worker.get(ConnectionsRepository).findById(pullConn.id))!;
      const before = await remoteRequests(worker);
      providerMs.take();
      const t = process.hrtime.bigint();
      const summary = await worker.get(PullService).pullConnection(connection, { full: false, refetch: false });
      const elapsed = msSince(t);
      return { wallMs: round2(elapsed), providerMs: round2(providerMs.take()), fetched: summary.events, deleted: summary.deleted, slots: summary.slots, remoteRequests: diff(await remoteRequests(worker), before) };
    };
    const incrementalRuns = [await incremental(0), await incremental(1), await incremental(2)];
    for (const r of incrementalRuns) {
      console.log(
        `incremental pull of ${INCREMENTAL_CHANGES} changes: ${ms(r.wallMs)} (provider ${ms(r.providerMs)}; ${r.fetched} fetched, ${r.deleted} deleted, ${sum(r.remoteRequests)} requests)`,
      );
    }

    // ---- push ---------------------------------------------------------------------------------
    // Baseline: the same server taking 200 PUTs one after another from a plain client.
    await radicale.client('puller').mkcalendar('baseline', 'Baseline');
    const tBase = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) await radicale.client('puller').put('baseline', `b${i}.ics`, single(`b${i}`, 3, 9));
    const radicalePutMs = msSince(tBase) / 200;
    console.log(`baseline: one plain client PUTs at ${ms(radicalePutMs)} per request (${round(1000 / radicalePutMs)}/s)`);
    const staff: Array<{ id: string; connectionId: string }> = [];
    for (let i = 0; i < PUSH_STAFF; i++) {
      const s = await api.get(StaffService).create(ADMIN, { name: `Pusher ${i}`, email: `pusher${i}@bench.example`, venueIds: [venue.id] });
      await radicale.client(`pusher${i}`).mkcalendar('work', 'Work');
      const conn = await connect(s.id, `pusher${i}`);
      staff.push({ id: s.id, connectionId: conn.id });
    }
    await waitFor(
      async () => {
        for (const s of staff) if (!(await api.get(ConnectionsRepository).calendars(s.connectionId))[0]?.lastFullSyncAt) throw new Error('connecting');
      },
      { timeoutMs: 60_000, what: 'the push connections to settle' },
    );
    const jobs: Array<{ id: string; staffId: string; startsAt: string }> = [];
    const start = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 1 });
    for (let i = 0; i < PUSH_JOBS; i++) {
      const s = staff[i % PUSH_STAFF];
      const slot = Math.floor(i / PUSH_STAFF);
      const startsAt = start.plus({ days: Math.floor(slot / 4), hours: 8 + (slot % 4) * 2 });
      const job = await api.get(JobsService).create(ADMIN, {
        venueId: venue.id,
        title: `Bench job ${i}`,
        service: 'Cut',
        startsAt: startsAt.toISO()!,
        endsAt: startsAt.plus({ hours: 1 }).toISO()!,
        status: 'confirmed',
      });
      jobs.push({ id: job.id, staffId: s.id, startsAt: startsAt.toISO()! });
    }

    /**
     * One phase: the changes are made through the services while the push queue is paused (the
     * scheduling events still mark the ledger), then the queue resumes and the drain is timed.
     */
    const pushPhase = async (name: string, change: (job: (typeof jobs)[number]) => Promise<unknown>) => {
      const pushQueue = worker.get(SyncQueues).all.push;
      await pushQueue.pause();
      const t0 = process.hrtime.bigint();
      for (const job of jobs) await change(job);
      const changesMs = msSince(t0);
      await waitFor(
        async () => {
          const waiting = await count(
            system.databaseUrl,
            `SELECT count(*)::int AS n FROM jobs j JOIN job_assignments a ON a.job_id = j.id
               LEFT JOIN sync_pushed_events p ON p.job_id = j.id AND p.state = 'pending' AND p.desired_version = j.version
              WHERE j.title LIKE 'Bench job %' AND p.job_id IS NULL`,
          );
          if (waiting) throw new Error(`${waiting} changes not yet relayed`);
        },
        { timeoutMs: 600_000, intervalMs: 25, what: `${name} to reach the ledger` },
      );
      const before = await remoteRequests(worker);
      const t = process.hrtime.bigint();
      await pushQueue.resume();
      await waitFor(
        async () => {
          const pending = await count(
            system.databaseUrl,
            `SELECT count(*)::int AS n FROM jobs j JOIN job_assignments a ON a.job_id = j.id
               LEFT JOIN sync_pushed_events p ON p.job_id = j.id
              WHERE j.title LIKE 'Bench job %' AND (p.job_id IS NULL OR p.state <> 'synced' OR p.pushed_version IS DISTINCT FROM j.version)`,
          );
          if (pending) throw new Error(`${pending} not pushed yet`);
        },
        { timeoutMs: 600_000, intervalMs: 25, what: `${name} to be pushed` },
      );
      const wall = msSince(t);
      const requests = diff(await remoteRequests(worker), before);
      const writes = (requests.PUT ?? 0) + (requests.DELETE ?? 0);
      const result = {
        changes: PUSH_JOBS,
        connections: PUSH_STAFF,
        wallMs: round(wall),
        eventsPerSecond: round((PUSH_JOBS / wall) * 1000),
        changesMadeInMs: round(changesMs),
        remoteRequests: requests,
        remoteWritesPerChange: round2(writes / PUSH_JOBS),
        remoteRequestsPerChange: round2(sum(requests) / PUSH_JOBS),
      };
      console.log(
        `push ${name}: ${PUSH_JOBS} changes over ${PUSH_STAFF} connections drained in ${ms(wall)} (${result.eventsPerSecond} events/s; ${result.remoteWritesPerChange} writes and ${result.remoteRequestsPerChange} requests per change)`,
      );
      return result;
    };
    const assign = await pushPhase('1,000 assignments (creates)', (job) => api.get(AssignmentsService).assign(ADMIN, job.id, { staffId: job.staffId }));
    const reschedule = await pushPhase('1,000 reschedules (updates)', (job) =>
      api.get(JobsService).update(ADMIN, job.id, {
        startsAt: DateTime.fromISO(job.startsAt).plus({ minutes: 30 }).toISO()!,
        endsAt: DateTime.fromISO(job.startsAt).plus({ minutes: 90 }).toISO()!,
      }),
    );
    const ledger = await worker.get(PushedEventsRepository).all(staff[0].connectionId);
    const objects = await radicale.client('pusher0').objects('work');
    if (objects.length !== ledger.length) throw new Error(`pusher0 has ${objects.length} events for ${ledger.length} mappings`);

    return {
      radicale: 'Debian radicale 3.1.8 on loopback (HTTP/1.0, one connection per request)',
      firstPull,
      fullRefetch,
      incrementalPull: { changes: INCREMENTAL_CHANGES, runs: incrementalRuns, note: 'PullService.pullConnection in the worker, queue latency excluded' },
      push: { radicalePutMsBaseline: round2(radicalePutMs), assign, reschedule },
      targets: { incrementalPullMs: 1000, remoteWritesPerChange: 1.1 },
    };
  } finally {
    await system.stop();
    await radicale.stop();
  }
}

/** 5,000 objects written straight into Radicale's storage: 4,900 single events and 100 weekly series, over the sync window. */
function seedCalendar(dir: string): void {
  for (let i = 0; i < FIRST_PULL_EVENTS - RECURRING_EVENTS; i++) {
    writeFileSync(join(dir, `e${i}.ics`), single(`e${i}`, -25 + (i % 380), 8 + (i % 10)));
  }
  for (let i = 0; i < RECURRING_EVENTS; i++) {
    const start = DateTime.utc().startOf('day').plus({ days: i % 7, hours: 7 });
    writeFileSync(
      join(dir, `r${i}.ics`),
      ics(`UID:r${i}`, `DTSTART:${icsUtc(start.toJSDate())}`, `DTEND:${icsUtc(start.plus({ minutes: 45 }).toJSDate())}`, 'RRULE:FREQ=WEEKLY;COUNT=20', `SUMMARY:Series ${i}`),
    );
  }
}

function single(uid: string, day: number, hour: number): string {
  const start = DateTime.utc().startOf('day').plus({ days: day, hours: hour });
  return ics(`UID:${uid}`, `DTSTART:${icsUtc(start.toJSDate())}`, `DTEND:${icsUtc(start.plus({ minutes: 50 }).toJSDate())}`, `SUMMARY:Event ${uid}`);
}

async function remoteRequests(worker: INestApplicationContext): Promise<Record<string, number>> {
  const metric = await worker.get(MetricsService).registry.getSingleMetric('calbridge_sync_remote_requests_total')?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) out[String(v.labels.method)] = (out[String(v.labels.method)] ?? 0) + v.value;
  return out;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

async function count(url: string, sql: string, params: unknown[] = []): Promise<number> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ n: number }>(sql, params)).rows[0].n;
  } finally {
    await db.end();
  }
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const msSince = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;
const round = (v: number): number => Math.round(v);
const round2 = (v: number): number => Math.round(v * 100) / 100;
const ms = (v: number): string => `${v.toFixed(0)} ms`;

/** Accumulates wall time spent in the provider's pullChanges (bench instrumentation only). */
function instrument(provider: CaldavProvider): { take(): number } {
  let spent = 0;
  const original = provider.pullChanges.bind(provider);
  provider.pullChanges = async (...args) => {
    const t = process.hrtime.bigint();
    try {
      return await original(...args);
    } finally {
      spent += msSince(t);
    }
  };
  return {
    take: () => {
      const value = spent;
      spent = 0;
      return value;
    },
  };
}
