import { PushedEventsRepository } from '@calbridge/calendar-sync/testing';
import { AppProcess, startProcess } from '../support/app-process';
import { icsProperty, Radicale } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { connectCaldav, startSyncSystem, utcAt } from './sync-fixture';

/**
 * Scale-out: a worker process that gets SIGTERM in the middle of a batch (a deploy, a scale-down)
 * finishes or hands back what it holds; another worker process finishes the rest; nothing is
 * lost and nothing is pushed twice. The workers are real processes; the api runs in the test.
 */
describe('worker SIGTERM mid-batch (separate processes)', () => {
  let radicale: Radicale;
  let system: TestSystem;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    radicale = await Radicale.start({ carol: 'carol-app-password' });
    await radicale.client('carol').mkcalendar('work', 'Work');
    system = await startSyncSystem({ worker: false });
  });

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await system?.stop();
    await radicale?.stop();
  });

  it('loses nothing and pushes nothing twice when a worker is stopped mid-batch', async () => {
    const { venue, staff } = await system.factory.team(1, { timezone: 'UTC' });
    const carol = staff[0];
    const env = { ...system.env, SHUTDOWN_GRACE_MS: '8000' };
    const first = startProcess('worker', env);
    processes.push(first);
    const connection = await connectCaldav(system, radicale, carol.id, 'carol', 'carol-app-password');
    const objects = () => radicale.client('carol').objects('work');
    await waitFor(async () => expect((await system.http(system.adminToken()).get(`/v1/connections/${connection.id}`)).body.lastSyncedAt).toBeTruthy(), {
      what: 'the first sync, by the worker process',
      timeoutMs: 120_000,
    });

    const jobs: Array<{ id: string }> = [];
    const assign = async (i: number) => {
      const job = await system.factory.job({ venueId: venue.id, title: `Batch ${i}`, startsAt: utcAt(1 + i, '09:00'), endsAt: utcAt(1 + i, '10:00') });
      await system.factory.assign(job.id, carol.id);
      jobs.push(job);
    };
    for (let i = 0; i < 20; i++) await assign(i);
    // The first worker is busy with them: stop it, and keep changing things while it stops.
    await waitFor(async () => expect((await objects()).length).toBeGreaterThan(0), { what: 'the batch to start', intervalMs: 20, timeoutMs: 120_000 });
    first.child.kill('SIGTERM');
    for (let i = 20; i < 60; i++) await assign(i);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([first.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000)))]);
    clearTimeout(timer);
    // It exits by itself, cleanly: nothing (the outbox relay in the middle of a batch included)
    // still talks to Redis or Postgres once they are closed.
    expect(exit === 'timeout' ? `still running: ${first.output().slice(-800)}` : exit).toEqual(
      exit !== 'timeout' && (exit.code === 0 || exit.signal === 'SIGTERM') ? exit : `exit ${JSON.stringify(exit)}: ${first.output().slice(-3000)}`,
    );
    const pushedByFirst = (await objects()).length;

    const second = startProcess('worker', env);
    processes.push(second);
    await waitFor(
      async () => {
        const rows = (await system.app.get(PushedEventsRepository).all(connection.id)).filter((r) => r.state === 'synced');
        expect(rows).toHaveLength(jobs.length);
      },
      { what: 'the second worker to finish the batch', timeoutMs: 180_000 },
    );
    const stored = await objects();
    const byJob = new Map<string, number>();
    for (const o of stored) {
      const job = icsProperty(o.data, 'X-CALBRIDGE-JOB');
      if (job) byJob.set(job, (byJob.get(job) ?? 0) + 1);
    }
    expect(jobs.filter((j) => byJob.get(j.id) !== 1)).toEqual([]);
    expect(stored).toHaveLength(jobs.length);
    // The first worker really stopped mid-batch (otherwise this test proves nothing).
    expect(pushedByFirst).toBeLessThan(jobs.length);
  }, 400_000);
});
