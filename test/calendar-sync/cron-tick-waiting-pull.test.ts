import { MaintenanceService, SyncQueues } from '@calbridge/calendar-sync/testing';
import { TestSystem } from '../support/test-system';

/**
 * A tick enqueues a pull for every connection due; a connection whose pull from an earlier tick
 * is still waiting (the workers are busy) stays due, and must not be queued a second time.
 */
describe('cron tick: one waiting pull per connection', () => {
  let system: TestSystem;

  beforeAll(async () => {
    // The schedule's own ticks are an hour apart: only the ticks this test runs count.
    system = await TestSystem.start({ api: false, worker: true, env: { SYNC_TICK_INTERVAL_MS: '3600000', OUTBOX_RELAY_ENABLED: 'false' } });
  });
  afterAll(() => system?.stop());

  it('does not queue a connection again while its previous pull waits, and does once it has run', async () => {
    const { pull } = system.get<SyncQueues>(SyncQueues).all;
    await pull.pause(); // busy workers: nothing is taken off the queue
    const [{ id: staffId }] = await system.dataSource.query(`INSERT INTO staff (name, email) VALUES ('Anna', 'anna-tick@test.example') RETURNING id`);
    const [{ id: connectionId }] = await system.dataSource.query(
      `INSERT INTO sync_connections (staff_id, provider, account_id, account_email, status, last_synced_at)
       VALUES ($1, 'caldav', 'anna-tick', 'anna-tick@test.example', 'active', now() - interval '1 day') RETURNING id`,
      [staffId],
    );
    await system.dataSource.query(`INSERT INTO sync_calendars (connection_id, external_id, name, push, pull) VALUES ($1, 'work', 'Work', true, true)`, [connectionId]);
    const maintenance = system.get<MaintenanceService>(MaintenanceService);
    const waitingFor = async () => (await pull.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.data.connectionId === connectionId);

    const hour = 3_600_000;
    const now = Date.now();
    await maintenance.tick(now);
    await maintenance.tick(now + hour); // the next tick: the connection is still due, its pull still waits
    await maintenance.tick(now + 2 * hour);
    expect(await waitingFor()).toHaveLength(1);

    // Once that pull has run (here: taken away and completed), the next tick queues one again.
    const [job] = await waitingFor();
    await job.remove();
    await maintenance.tick(now + 3 * hour);
    expect(await waitingFor()).toHaveLength(1);
    await pull.obliterate({ force: true });
  });
});
