import { ConnectionsRepository, ConnectionSemaphore, PullService, SyncQueues } from '@calbridge/calendar-sync/testing';
import { MetricsService } from '@calbridge/core';
import { DateTime } from 'luxon';
import { ics, icsUtc, Radicale } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { blockedSlots, connectCaldav, ConnectionView, SlotView, startSyncSystem, utcAt, waitForPull } from './sync-fixture';

/** Pull: events in the staff member's CalDAV calendar become blocked slots, follow moves and deletions. */
describe('calendar sync pull (CalDAV, Radicale)', () => {
  let radicale: Radicale;
  let system: TestSystem;
  let venue: { id: string };
  let staff: { id: string };
  let conn: ConnectionView;
  const bob = () => radicale.client('bob');
  const slots = () => blockedSlots(system, staff.id);
  const span = (s: SlotView) => [s.startsAt, s.endsAt];
  const iso = (v: string) => new Date(v).toISOString();

  beforeAll(async () => {
    radicale = await Radicale.start({ bob: 'bob-app-password' });
    await bob().mkcalendar('personal', 'Personal');
    system = await startSyncSystem();
    const team = await system.factory.team(1, { timezone: 'Europe/Berlin' });
    venue = team.venue;
    staff = team.staff[0];
    const started = Date.now();
    conn = await connectCaldav(system, radicale, staff.id, 'bob', 'bob-app-password');
    await waitForPull(system, conn.id, started - 1, 'the first full sync');
  });

  afterAll(async () => {
    await system?.stop();
    await radicale?.stop();
  });

  afterEach(async () => {
    // Each test leaves an empty calendar behind.
    for (const o of await bob().objects('personal')) await bob().delete('personal', o.href.split('/').pop()!);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the calendar to be empty again' });
  });

  it('create, move, delete in the calendar -> blocked slot created, moved, removed; conflicts open and resolve', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Perm', startsAt: utcAt(5, '10:00'), endsAt: utcAt(5, '11:00') });
    await system.factory.assign(job.id, staff.id);

    await bob().put('personal', 'dentist.ics', ics('UID:dentist', `DTSTART:${icsUtc(utcAt(5, '10:30'))}`, `DTEND:${icsUtc(utcAt(5, '11:30'))}`, 'SUMMARY:Dentist'));
    const created = await waitFor(
      async () => {
        const found = await slots();
        expect(found.map(span)).toEqual([[iso(utcAt(5, '10:30')), iso(utcAt(5, '11:30'))]]);
        return found[0];
      },
      { what: 'the blocked slot' },
    );
    const conflict = await waitFor(
      async () => {
        const res = await system.http(system.dispatcherToken(venue.id)).get(`/v1/conflicts?staffId=${staff.id}&status=open`).expect(200);
        expect(res.body).toHaveLength(1);
        return res.body[0];
      },
      { what: 'the open conflict' },
    );
    expect(conflict).toMatchObject({ job: { id: job.id }, blockedSlot: { id: created.id, source: 'external' } });

    await bob().put('personal', 'dentist.ics', ics('UID:dentist', `DTSTART:${icsUtc(utcAt(5, '14:00'))}`, `DTEND:${icsUtc(utcAt(5, '15:00'))}`, 'SUMMARY:Dentist'));
    await waitFor(
      async () => {
        const found = await slots();
        expect(found.map((s) => [s.id, ...span(s)])).toEqual([[created.id, iso(utcAt(5, '14:00')), iso(utcAt(5, '15:00'))]]);
      },
      { what: 'the slot to move' },
    );
    await waitFor(
      async () => {
        const open = await system.http(system.adminToken()).get(`/v1/conflicts?staffId=${staff.id}&status=open`).expect(200);
        expect(open.body).toEqual([]);
        const resolved = await system.http(system.adminToken()).get(`/v1/conflicts?staffId=${staff.id}&status=resolved`).expect(200);
        expect(resolved.body.map((c: { id: string; resolution: string }) => [c.id, c.resolution])).toEqual([[conflict.id, 'no_longer_overlapping']]);
      },
      { what: 'the conflict to resolve' },
    );

    await bob().delete('personal', 'dentist.ics');
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
    await system.http(system.adminToken()).delete(`/v1/jobs/${job.id}/assignments/${staff.id}`).expect(204);
  });

  it('a weekly series with one EXDATE and one moved instance blocks exactly the right intervals', async () => {
    const first = DateTime.fromISO(utcAt(7, '08:00'), { zone: 'UTC' });
    const week = (n: number) => first.plus({ weeks: n });
    await bob().put(
      'personal',
      'standup.ics',
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//calbridge tests//EN',
        'BEGIN:VEVENT',
        'UID:standup',
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${icsUtc(week(0).toJSDate())}`,
        `DTEND:${icsUtc(week(0).plus({ minutes: 30 }).toJSDate())}`,
        'RRULE:FREQ=WEEKLY;COUNT=4',
        `EXDATE:${icsUtc(week(1).toJSDate())}`,
        'SUMMARY:Standup',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:standup',
        'DTSTAMP:20260101T000000Z',
        `RECURRENCE-ID:${icsUtc(week(2).toJSDate())}`,
        `DTSTART:${icsUtc(week(2).plus({ days: 1, hours: 4 }).toJSDate())}`,
        `DTEND:${icsUtc(week(2).plus({ days: 1, hours: 5 }).toJSDate())}`,
        'SUMMARY:Standup (moved)',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    await waitFor(
      async () => {
        const at = (d: DateTime) => d.toJSDate().toISOString();
        expect((await slots()).map(span)).toEqual([
          [at(week(0)), at(week(0).plus({ minutes: 30 }))],
          [at(week(2).plus({ days: 1, hours: 4 })), at(week(2).plus({ days: 1, hours: 5 }))],
          [at(week(3)), at(week(3).plus({ minutes: 30 }))],
        ]);
      },
      { what: 'the series slots' },
    );
  });

  it('free (transparent) events do not block; all-day events block the whole day in the staff zone', async () => {
    await bob().put('personal', 'free.ics', ics('UID:free', `DTSTART:${icsUtc(utcAt(3, '09:00'))}`, `DTEND:${icsUtc(utcAt(3, '10:00'))}`, 'TRANSP:TRANSPARENT'));
    const day = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 6 });
    await bob().put('personal', 'holiday.ics', ics('UID:holiday', `DTSTART;VALUE=DATE:${day.toFormat('yyyyMMdd')}`, `DTEND;VALUE=DATE:${day.plus({ days: 1 }).toFormat('yyyyMMdd')}`));
    await waitFor(
      async () => {
        const found = await slots();
        expect(found.map((s) => [...span(s), s.allDay])).toEqual([[iso(day.toISO()!), iso(day.plus({ days: 1 }).toISO()!), true]]);
      },
      { what: 'the all-day slot' },
    );
  });

  it('a rejected sync token leads to one full resync (deletions included), not an error loop', async () => {
    await bob().put('personal', 'old.ics', ics('UID:old', `DTSTART:${icsUtc(utcAt(8, '09:00'))}`, `DTEND:${icsUtc(utcAt(8, '10:00'))}`));
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the first slot' });
    const resyncs = () => counter(system, 'calbridge_sync_cursor_resyncs_total');
    const before = await resyncs();

    // Hold the connection's slot (no pull can run meanwhile), reject-to-be token in place, change the calendar.
    const lease = await waitFor(
      async () => {
        const acquired = await system.worker!.get(ConnectionSemaphore).tryAcquire(conn.id);
        if (!acquired) throw new Error('a job is working on the connection');
        return acquired;
      },
      { what: 'the connection to be idle' },
    );
    await system.dataSource.query(`UPDATE sync_calendars SET cursor = $1 WHERE connection_id = $2 AND pull`, [
      JSON.stringify({ syncToken: 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000' }),
      conn.id,
    ]);
    await bob().delete('personal', 'old.ics');
    await bob().put('personal', 'new.ics', ics('UID:new', `DTSTART:${icsUtc(utcAt(9, '09:00'))}`, `DTEND:${icsUtc(utcAt(9, '10:00'))}`));
    await lease.release();
    await waitFor(
      async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(9, '09:00')), iso(utcAt(9, '10:00'))]]),
      { what: 'the resync to catch up' },
    );
    expect((await resyncs()) - before).toBe(1);
    const afterResync = Date.now();
    const healthy = await waitForPull(system, conn.id, afterResync, 'a later incremental pull');
    expect(healthy).toMatchObject({ status: 'active', lastError: null, failureCount: 0 });
    expect((await resyncs()) - before).toBe(1);
    const [cursor] = await system.dataSource.query(`SELECT cursor FROM sync_calendars WHERE connection_id = $1 AND pull`, [conn.id]);
    expect(JSON.parse(cursor.cursor).syncToken).not.toMatch(/0{64}$/);
  });

  it('the nightly reconcile removes orphaned blocked slots; pulling again starts from a full listing', async () => {
    await bob().put('personal', 'orphan.ics', ics('UID:orphan', `DTSTART:${icsUtc(utcAt(12, '09:00'))}`, `DTEND:${icsUtc(utcAt(12, '10:00'))}`));
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the slot' });
    // A crash between "stop pulling this calendar" and "remove its slots" leaves the slot behind.
    await system.dataSource.query(`UPDATE sync_calendars SET pull = false WHERE connection_id = $1`, [conn.id]);
    await system.worker!.get(SyncQueues).requestMaintenance('maintenance.reconcile', {}, `test-${Date.now()}`);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the reconcile to remove the orphan' });
    await system.dataSource.query(`UPDATE sync_calendars SET pull = true WHERE connection_id = $1`, [conn.id]);
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the slot to come back' });
  });

  it('a server without sync tokens is followed by ctag and etag comparison', async () => {
    await system.dataSource.query(`UPDATE sync_calendars SET metadata = '{"syncCollection": false}', cursor = NULL WHERE connection_id = $1`, [conn.id]);
    await bob().put('personal', 'a.ics', ics('UID:a', `DTSTART:${icsUtc(utcAt(11, '09:00'))}`, `DTEND:${icsUtc(utcAt(11, '10:00'))}`));
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(11, '09:00')), iso(utcAt(11, '10:00'))]]), { what: 'the slot' });
    const [row] = await system.dataSource.query(`SELECT cursor FROM sync_calendars WHERE connection_id = $1 AND pull`, [conn.id]);
    expect(JSON.parse(row.cursor)).toEqual({ ctag: expect.any(String) });

    await bob().put('personal', 'a.ics', ics('UID:a', `DTSTART:${icsUtc(utcAt(11, '12:00'))}`, `DTEND:${icsUtc(utcAt(11, '13:00'))}`));
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(11, '12:00')), iso(utcAt(11, '13:00'))]]), { what: 'the move' });
    await bob().delete('personal', 'a.ics');
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the deletion' });
    await system.dataSource.query(`UPDATE sync_calendars SET metadata = '{"syncCollection": true}', cursor = NULL WHERE connection_id = $1`, [conn.id]);
  });

  it('a pull that read the connection before it was disconnected neither revives it nor brings its slots back', async () => {
    const other = await system.factory.staff({ venueIds: [venue.id] });
    await bob().put('personal', 'gym.ics', ics('UID:gym', `DTSTART:${icsUtc(utcAt(6, '07:00'))}`, `DTEND:${icsUtc(utcAt(6, '08:00'))}`, 'SUMMARY:Gym'));
    const started = Date.now();
    const second = await connectCaldav(system, radicale, other.id, 'bob', 'bob-app-password');
    await waitForPull(system, second.id, started - 1, 'the second connection\'s first sync');
    await waitFor(async () => expect(await blockedSlots(system, other.id)).toHaveLength(1), { what: 'the slot of the second connection' });

    // What a worker holds in memory when the user disconnects in the middle of its pull.
    const stale = (await system.worker!.get(ConnectionsRepository).findById(second.id))!;
    expect(stale.status).toBe('active');
    await system.http(system.staffToken(other.id)).delete(`/v1/connections/${second.id}`).expect(204);
    expect(await blockedSlots(system, other.id)).toEqual([]);

    await system.worker!.get(PullService).pullConnection(stale, { full: true, refetch: true });
    expect((await system.http(system.staffToken(other.id)).get(`/v1/staff/${other.id}/connections`).expect(200)).body).toEqual([
      expect.objectContaining({ id: second.id, status: 'disconnected' }),
    ]);
    expect(await blockedSlots(system, other.id)).toEqual([]);
  });
});

async function counter(system: TestSystem, name: string): Promise<number> {
  const metric = await system.worker!.get(MetricsService).registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}
