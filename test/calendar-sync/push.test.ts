import { JobsRepository } from '@calbridge/scheduling';
import { JobsService } from '@calbridge/scheduling/testing';
import { connectionKeyPrefix, PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { TEST_ADMIN } from '../support/factory';
import { icsProperty, Radicale, StoredObject } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { blockedSlots, connectCaldav, ConnectionView, crashBeforeMappingWrite, observeProvider, remoteRequests, startSyncSystem, utcAt } from './sync-fixture';

/** Push: jobs assigned to a staff member appear in, move in, and leave their CalDAV calendar. */
describe('calendar sync push (CalDAV, Radicale)', () => {
  const observed = observeProvider();
  let radicale: Radicale;
  let system: TestSystem;
  let venue: { id: string };
  let staff: { id: string };
  let conn: ConnectionView;
  const objectsOf = () => radicale.client('alice').objects('work');
  const eventFor = async (jobId: string): Promise<StoredObject | undefined> =>
    (await objectsOf()).find((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === jobId);

  beforeAll(async () => {
    radicale = await Radicale.start({ alice: 'alice-app-password' });
    await radicale.client('alice').mkcalendar('work', 'Work');
    system = await startSyncSystem({ overrideWorker: observed.override });
    const team = await system.factory.team(1, { timezone: 'Europe/Berlin' });
    venue = team.venue;
    staff = team.staff[0];
    conn = await connectCaldav(system, radicale, staff.id, 'alice', 'alice-app-password');
  });

  afterAll(async () => {
    await system?.stop();
    await radicale?.stop();
  });

  it('assign -> the event appears; reschedule -> it moves; cancel -> it is gone', async () => {
    expect(conn.pushCalendarId).not.toBeNull();
    const customer = await system.factory.customer({ firstName: 'Sarah', lastName: 'Johnson' });
    const job = await system.factory.job({
      venueId: venue.id,
      title: 'Colour and cut',
      customerId: customer.id,
      startsAt: utcAt(2, '09:00'),
      endsAt: utcAt(2, '10:00'),
    });
    await system.factory.assign(job.id, staff.id);

    const created = await waitFor(
      async () => {
        const o = await eventFor(job.id);
        if (!o) throw new Error('not in the calendar yet');
        return o;
      },
      { what: 'the pushed event' },
    );
    expect(icsProperty(created.data, 'SUMMARY')).toBe('Colour and cut');
    expect(icsProperty(created.data, 'UID')).toMatch(/^cb[0-9a-v]{32}@calbridge$/);
    expect(created.data).toMatch(/DTSTART;TZID=Europe\/Berlin:/);
    expect(created.data).toContain('BEGIN:VTIMEZONE');
    expect(created.data).not.toMatch(/Sarah|Johnson/); // client names are off by default

    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { startsAt: utcAt(3, '14:00'), endsAt: utcAt(3, '15:30') });
    await waitFor(
      async () => {
        const o = await eventFor(job.id);
        expect(o).toBeDefined();
        const start = icsProperty(o!.data, 'DTSTART');
        const local = new Date(utcAt(3, '14:00')).toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).replace(/[-:]/g, '').replace(' ', 'T');
        expect(start).toBe(local);
      },
      { what: 'the rescheduled event' },
    );
    expect((await objectsOf()).filter((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === job.id)).toHaveLength(1);

    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { status: 'cancelled' });
    await waitFor(async () => expect(await eventFor(job.id)).toBeUndefined(), { what: 'the cancelled event to go' });
  });

  it('unassign -> the event is removed; our own events never come back as blocked slots', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Beard trim', startsAt: utcAt(4, '11:00'), endsAt: utcAt(4, '11:30') });
    await system.factory.assign(job.id, staff.id);
    await waitFor(async () => expect(await eventFor(job.id)).toBeDefined(), { what: 'the pushed event' });
    // Let at least two pulls run over the calendar holding our event.
    const since = Date.now();
    await waitFor(
      async () => {
        const c = (await system.http(system.adminToken()).get(`/v1/connections/${conn.id}`).expect(200)).body as ConnectionView;
        if (!c.lastSyncedAt || new Date(c.lastSyncedAt).getTime() < since + 1000) throw new Error('no pull yet');
      },
      { what: 'pulls over the push calendar' },
    );
    expect(await blockedSlots(system, staff.id)).toEqual([]);

    await system.http(system.adminToken()).delete(`/v1/jobs/${job.id}/assignments/${staff.id}`).expect(204);
    await waitFor(async () => expect(await eventFor(job.id)).toBeUndefined(), { what: 'the unassigned event to go' });
  });

  it('writes once per visible change, none for invisible ones, and never hammers the account', async () => {
    const ledgerSettled = (jobIds: string[]) =>
      waitFor(
        async () => {
          const ledger = await system.app.get(PushedEventsRepository).all(conn.id);
          const versions = new Map((await system.app.get(JobsRepository).records(jobIds)).map((r) => [r.job.id, r.job.version]));
          const rows = ledger.filter((r) => jobIds.includes(r.jobId));
          expect(rows).toHaveLength(jobIds.length);
          expect(rows.filter((r) => r.state !== 'synced' || r.pushedVersion !== versions.get(r.jobId))).toEqual([]);
        },
        { what: 'the pushes to settle' },
      );
    const writes = async () => {
      const r = await remoteRequests(system);
      return (r.PUT ?? 0) + (r.DELETE ?? 0);
    };
    const start = await writes();
    const jobs: Array<{ id: string }> = [];
    for (let i = 0; i < 6; i++) {
      const job = await system.factory.job({ venueId: venue.id, title: `Batch ${i}`, startsAt: utcAt(10 + i, '09:00'), endsAt: utcAt(10 + i, '10:00') });
      await system.factory.assign(job.id, staff.id);
      jobs.push(job);
    }
    await ledgerSettled(jobs.map((j) => j.id));
    const objects = await objectsOf();
    for (const job of jobs) expect(objects.filter((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === job.id)).toHaveLength(1);
    expect((await writes()) - start).toBe(6);

    // A visible change: one write. An invisible one (a colleague joins the job, the version grows): none.
    const colleague = await system.factory.staff({ venueIds: [venue.id] });
    await system.app.get(JobsService).update(TEST_ADMIN, jobs[0].id, { status: 'arrived' });
    await system.factory.assign(jobs[1].id, colleague.id);
    await ledgerSettled(jobs.map((j) => j.id));
    expect((await writes()) - start).toBe(7);
    expect(icsProperty((await eventFor(jobs[0].id))!.data, 'DESCRIPTION')).toContain('Status: arrived');
    expect(observed.maxInFlight).toBe(1);
  });

  it('pushes all-day jobs as dates', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Training day', allDay: true, startsAt: dateIn(20), endsAt: dateIn(21) });
    await system.factory.assign(job.id, staff.id);
    const o = await waitFor(
      async () => {
        const found = await eventFor(job.id);
        if (!found) throw new Error('not yet');
        return found;
      },
      { what: 'the all-day event' },
    );
    expect(o.data).toContain(`DTSTART;VALUE=DATE:${dateIn(20).replace(/-/g, '')}`);
    expect(o.data).toContain(`DTEND;VALUE=DATE:${dateIn(21).replace(/-/g, '')}`);
  });

  it('the nightly reconcile repairs drift: missing and edited events rewritten, unmapped ones of this connection removed', async () => {
    const client = radicale.client('alice');
    const a = await system.factory.job({ venueId: venue.id, title: 'Drift A', startsAt: utcAt(25, '09:00'), endsAt: utcAt(25, '10:00') });
    const b = await system.factory.job({ venueId: venue.id, title: 'Drift B', startsAt: utcAt(26, '09:00'), endsAt: utcAt(26, '10:00') });
    await system.factory.assign(a.id, staff.id);
    await system.factory.assign(b.id, staff.id);
    const [eventA, eventB] = await waitFor(
      async () => {
        const found = [await eventFor(a.id), await eventFor(b.id)];
        if (!found[0] || !found[1]) throw new Error('not pushed yet');
        const rows = (await system.app.get(PushedEventsRepository).all(conn.id)).filter((r) => r.jobId === a.id || r.jobId === b.id);
        expect(rows.map((r) => r.state)).toEqual(['synced', 'synced']);
        return found as StoredObject[];
      },
      { what: 'both events' },
    );
    const file = (o: StoredObject) => o.href.split('/').pop()!;
    await client.delete('work', file(eventA));
    await client.put('work', file(eventB), eventB.data.replace('SUMMARY:Drift B', 'SUMMARY:Edited by hand'));
    const orphanKey = `${connectionKeyPrefix(conn.id)}${'0'.repeat(26)}`;
    await client.put('work', `${orphanKey}.ics`, eventB.data.replace(/UID:.*/, `UID:${orphanKey}@calbridge`));

    await system.worker!.get(SyncQueues).requestMaintenance('maintenance.reconcile', {}, `test-${Date.now()}`);
    await waitFor(
      async () => {
        expect(icsProperty((await eventFor(a.id))?.data ?? '', 'SUMMARY')).toBe('Drift A');
        const copiesOfB = (await objectsOf()).filter((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === b.id);
        expect(copiesOfB.map((o) => icsProperty(o.data, 'SUMMARY'))).toEqual(['Drift B']);
      },
      { what: 'the drift to be repaired' },
    );
  });

  // Last: replaces the worker.
  it('a worker that dies between the remote write and the mapping write leaves no duplicate after the retry', async () => {
    await system.worker!.close();
    system.worker = undefined;
    const crashing = await system.startWorker(crashBeforeMappingWrite);
    const job = await system.factory.job({ venueId: venue.id, title: 'Crash test', startsAt: utcAt(30, '09:00'), endsAt: utcAt(30, '10:00') });
    await system.factory.assign(job.id, staff.id);
    const ledger = system.app.get(PushedEventsRepository);
    await waitFor(
      async () => {
        expect(await eventFor(job.id)).toBeDefined();
        const row = (await ledger.all(conn.id)).find((r) => r.jobId === job.id);
        expect(row).toMatchObject({ state: 'pending', externalId: null });
      },
      { what: 'the remote write without its mapping' },
    );
    await crashing.close();

    system.worker = await system.startWorker();
    await waitFor(
      async () => {
        const row = (await ledger.all(conn.id)).find((r) => r.jobId === job.id);
        expect(row).toMatchObject({ state: 'synced' });
        expect(row!.externalId).toMatch(/\.ics$/);
      },
      { what: 'the retry to record the mapping' },
    );
    const copies = (await objectsOf()).filter((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === job.id);
    expect(copies).toHaveLength(1);
    // The retry adopted the event it found (If-None-Match: * answered 412): no second write.
    expect((await remoteRequests(system)).PUT ?? 0).toBe(1);
  });
});

function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
