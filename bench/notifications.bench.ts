import { Principal } from '@calbridge/core';
import { CustomersService, VenuesService } from '@calbridge/scheduling';
import { JobsService } from '@calbridge/scheduling/testing';
import { DateTime } from 'luxon';
import { HttpReceiver } from '../test/support/http-receiver';
import { SmtpSink } from '../test/support/smtp-sink';
import { waitFor } from '../test/support/wait';
import { startBenchSystem } from './support/bench-system';
import { ms, summarize } from './support/stats';

const ADMIN: Principal = { role: 'admin', subject: 'bench-admin', venueIds: [] };
const SUBSCRIPTIONS = 20;
const RATE_PER_SECOND = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const JOBS = 200;
const EMAILS = Number(process.env.BENCH_EMAILS ?? 300);

/**
 * Outbound webhooks: 20 subscriptions (Standard Webhooks, a real HTTP receiver on loopback), job
 * changes committed at BENCH_WEBHOOK_RATE (100) per second for BENCH_WEBHOOK_SECONDS (10) over 200 jobs; latency from
 * the change's commit (its `update` call returned) to the receiver holding the delivery, for
 * every (change, subscription) pair. api, worker, relay and receiver share this process.
 */
export async function runWebhooks(): Promise<Record<string, unknown>> {
  const receiver = await HttpReceiver.start();
  const system = await startBenchSystem({ name: 'webhooks', worker: true, env: { OUTBOX_POLL_INTERVAL_MS: '200', DATABASE_POOL_SIZE: '20' } });
  try {
    const api = system.api!;
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const res = await fetch(`${system.baseUrl}/v1/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.token('admin')}` },
        body: JSON.stringify({ url: `${receiver.url}/s${i}`, events: ['job.updated'] }),
      });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
    }
    const venue = await api.get(VenuesService).create(ADMIN, { name: 'Bench venue', timezone: 'Europe/Berlin' });
    const jobs = api.get(JobsService);
    const ids: string[] = [];
    const day = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 2 });
    for (let i = 0; i < JOBS; i++) {
      const start = day.plus({ minutes: 30 * i });
      ids.push((await jobs.create(ADMIN, { venueId: venue.id, title: 'Bench', startsAt: start.toISO()!, endsAt: start.plus({ minutes: 20 }).toISO()! })).id);
    }

    const committedAt = new Map<string, number>();
    const receivedAt = new Map<string, number>();
    receiver.answer = (req) => {
      try {
        const body = JSON.parse(req.body) as { data: { jobId: string; version: number } };
        const key = `${body.data.jobId}:${body.data.version}`;
        receivedAt.set(`${key}:${req.path}`, performance.now());
      } catch {
        // not ours
      }
      return 200;
    };

    const total = RATE_PER_SECOND * SECONDS;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const jobId = ids[i % JOBS];
      inFlight.push(
        jobs.update(ADMIN, jobId, { title: `Bench ${i}` }).then((view) => {
          committedAt.set(`${jobId}:${view.version}`, performance.now());
        }),
      );
    }
    await Promise.all(inFlight);
    const offeredSeconds = (performance.now() - started) / 1000;
    const expected = total * SUBSCRIPTIONS;
    await waitFor(
      () => {
        if (receivedAt.size < expected) throw new Error(`${receivedAt.size} of ${expected} deliveries`);
      },
      { timeoutMs: 600_000, intervalMs: 200, what: 'every delivery' },
    );
    const drainedSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const latencies: number[] = [];
    // Keeping up: the changes of the run's second half wait no longer than those of its first.
    const halves: [number[], number[]] = [[], []];
    const middle = started + (offeredSeconds * 1000) / 2;
    for (const [key, at] of receivedAt) {
      const commit = committedAt.get(key.split(':').slice(0, 2).join(':'));
      if (commit === undefined) continue;
      latencies.push(at - commit);
      halves[commit < middle ? 0 : 1].push(at - commit);
    }
    const s = summarize(latencies);
    const [first, second] = halves.map(summarize);
    console.log(`${total} changes in ${offeredSeconds.toFixed(1)} s (${(total / offeredSeconds).toFixed(0)}/s) × ${SUBSCRIPTIONS} subscriptions = ${expected} deliveries`);
    console.log(`commit → receiver: p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}; all delivered ${drainedSeconds.toFixed(1)} s after the first change`);
    console.log(`changes of the first half: p50 ${ms(first.p50)}, p99 ${ms(first.p99)}; of the second half: p50 ${ms(second.p50)}, p99 ${ms(second.p99)}`);
    console.log(`this process's CPU (api, worker, receiver, load generator): ${cpuSeconds.toFixed(1)} s, ${((cpuSeconds * 1000) / expected).toFixed(2)} ms per delivery`);
    // A change's commit time is known by the version its update returned; when two updates of one
    // job overlap (a slow system) the returned view may already show the later one.
    if (latencies.length < expected) console.log(`latencies over the ${latencies.length} deliveries whose change's commit time is known`);
    return {
      changes: total,
      subscriptions: SUBSCRIPTIONS,
      offeredPerSecond: total / offeredSeconds,
      deliveries: latencies.length,
      latencyMs: s,
      firstHalfMs: first,
      secondHalfMs: second,
      drainedSeconds,
      cpuSeconds,
    };
  } finally {
    await system.stop();
    await receiver.stop();
  }
}

/**
 * Invitation emails to a real SMTP server on loopback (smtp-server): BENCH_EMAILS (300) confirmed
 * jobs of as many customers are created at once; emails per second from the first commit to the
 * last message accepted by the server (rendering, the codec, the queue and SMTP included).
 */
export async function runEmails(): Promise<Record<string, unknown>> {
  const smtp = await SmtpSink.start();
  const system = await startBenchSystem({ name: 'emails', worker: true, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Bench <bench@calbridge.invalid>', OUTBOX_POLL_INTERVAL_MS: '200' } });
  try {
    const api = system.api!;
    const venue = await api.get(VenuesService).create(ADMIN, { name: 'Bench venue', timezone: 'America/New_York' });
    const customers = [];
    for (let i = 0; i < EMAILS; i++) {
      customers.push(await api.get(CustomersService).create(ADMIN, { firstName: 'Cust', lastName: `Omer${i}`, email: `c${i}@bench.invalid`, venueId: venue.id }));
    }
    const jobs = api.get(JobsService);
    const day = DateTime.now().setZone('America/New_York').startOf('day').plus({ days: 3 });
    const started = performance.now();
    await Promise.all(
      customers.map((c, i) => {
        const start = day.plus({ minutes: 15 * i });
        return jobs.create(ADMIN, { venueId: venue.id, title: 'Visit', service: 'Consultation', customerId: c.id, status: 'confirmed', startsAt: start.toISO()!, endsAt: start.plus({ minutes: 15 }).toISO()! });
      }),
    );
    const committed = performance.now();
    await waitFor(
      () => {
        if (smtp.received.length < EMAILS) throw new Error(`${smtp.received.length} of ${EMAILS} emails`);
      },
      { timeoutMs: 600_000, intervalMs: 100, what: 'every email' },
    );
    const seconds = (performance.now() - started) / 1000;
    const perSecond = EMAILS / seconds;
    console.log(`${EMAILS} invitation emails in ${seconds.toFixed(2)} s from the first commit (${perSecond.toFixed(1)}/s; the jobs took ${((committed - started) / 1000).toFixed(2)} s to commit)`);
    return { emails: EMAILS, seconds, perSecond };
  } finally {
    await system.stop();
    await smtp.stop();
  }
}
