import { MetricsService } from '@calbridge/core';
import { icsProperty, ics, icsUtc, Radicale } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { blockedSlots, connectCaldav, connection, ConnectionView, observeProvider, startSyncSystem, utcAt, waitForPull } from './sync-fixture';

/** The connections API: connecting (and failing to), scope, calendar roles, credentials going bad, disconnecting. */
describe('calendar connections (CalDAV, Radicale)', () => {
  const observed = observeProvider();
  let radicale: Radicale;
  let system: TestSystem;
  let venue: { id: string };
  let otherVenue: { id: string };
  let carol: { id: string; name: string };
  let dave: { id: string };
  const serverUrl = () => `${radicale.url}/`;

  beforeAll(async () => {
    radicale = await Radicale.start({ carol: 'carol-app-password', dave: 'dave-app-password' });
    await radicale.client('carol').mkcalendar('work', 'Work');
    await radicale.client('carol').mkcalendar('personal', 'Personal');
    await radicale.client('dave').mkcalendar('main', 'Main');
    system = await startSyncSystem({ overrideWorker: observed.override });
    const team = await system.factory.team(2, { timezone: 'Europe/Berlin' });
    venue = team.venue;
    [carol, dave] = team.staff;
    otherVenue = await system.factory.venue();
  });

  afterAll(async () => {
    await system?.stop();
    await radicale?.stop();
  });

  it('refuses a wrong password with 422 CALDAV_AUTH_FAILED and a hint about app-specific passwords, storing nothing', async () => {
    const res = await system
      .http(system.staffToken(carol.id))
      .post(`/v1/staff/${carol.id}/connections/caldav`, { serverUrl: serverUrl(), username: 'carol', appPassword: 'my-apple-id-password' })
      .expect(422);
    expect(res.body).toMatchObject({ code: 'CALDAV_AUTH_FAILED' });
    expect(res.body.message).toMatch(/app-specific password/);
    expect((await system.http(system.staffToken(carol.id)).get(`/v1/staff/${carol.id}/connections`).expect(200)).body).toEqual([]);
  });

  it('validates the request and the server URL', async () => {
    const carolHttp = system.http(system.staffToken(carol.id));
    await carolHttp.post(`/v1/staff/${carol.id}/connections/caldav`, { serverUrl: serverUrl(), appPassword: 'x' }).expect(400);
    await carolHttp.post(`/v1/staff/${carol.id}/connections/caldav`, { serverUrl: 'ftp://example.org', username: 'carol', appPassword: 'x' }).expect(400);
    const closed = await carolHttp
      .post(`/v1/staff/${carol.id}/connections/caldav`, { serverUrl: 'http://127.0.0.1:1/', username: 'carol', appPassword: 'x' })
      .expect(502);
    expect(closed.body.code).toBe('CALDAV_UNREACHABLE');
  });

  it('is for the staff member themself (or an admin); dispatchers of their venue may only read status', async () => {
    const body = { serverUrl: serverUrl(), username: 'carol', appPassword: 'carol-app-password' };
    expect((await system.http(system.staffToken(dave.id)).post(`/v1/staff/${carol.id}/connections/caldav`, body).expect(403)).body.code).toBe('STAFF_OUT_OF_SCOPE');
    expect((await system.http(system.dispatcherToken(venue.id)).post(`/v1/staff/${carol.id}/connections/caldav`, body).expect(403)).body.code).toBe(
      'CONNECTION_OWNER_ONLY',
    );
    await system.http(system.dispatcherToken(venue.id)).get(`/v1/staff/${carol.id}/connections`).expect(200);
    await system.http(system.dispatcherToken(otherVenue.id)).get(`/v1/staff/${carol.id}/connections`).expect(403);
  });

  let carolConn: ConnectionView;

  it('connects: discovery finds the calendars, credentials are sealed, defaults push to one and pull from all', async () => {
    carolConn = await connectCaldav(system, radicale, carol.id, 'carol', 'carol-app-password');
    expect(carolConn).toMatchObject({ provider: 'caldav', accountEmail: 'carol', status: expect.stringMatching(/active|syncing/) });
    const calendars = (await system.http(system.staffToken(carol.id)).get(`/v1/connections/${carolConn.id}/calendars`).expect(200)).body;
    expect(calendars.map((c: { name: string }) => c.name).sort()).toEqual(['Personal', 'Work']);
    expect(carolConn.pullCalendarIds.sort()).toEqual(calendars.map((c: { id: string }) => c.id).sort());
    expect(calendars.map((c: { id: string }) => c.id)).toContain(carolConn.pushCalendarId);

    const [row] = await system.dataSource.query(`SELECT credentials, credentials_key_id FROM sync_connections WHERE id = $1`, [carolConn.id]);
    expect(row.credentials).not.toContain('carol-app-password');
    expect(Buffer.from(row.credentials.split('.').pop(), 'base64url').toString('latin1')).not.toContain('carol-app-password');
    expect(row.credentials_key_id).toMatch(/^[0-9a-f]{16}$/);

    await system.http(system.dispatcherToken(venue.id)).get(`/v1/connections/${carolConn.id}/calendars`).expect(403);
    await waitForPull(system, carolConn.id, 0, 'the first sync');
  });

  it('the connections overview lists the connection under its staff member and venues, to admins and that venue\'s dispatchers', async () => {
    const expected = { id: carolConn.id, staffId: carol.id, staffName: carol.name, venueIds: [venue.id], provider: 'caldav', accountEmail: 'carol' };
    const forVenue = (await system.http(system.dispatcherToken(venue.id)).get(`/v1/connections?venueId=${venue.id}`).expect(200)).body;
    expect(forVenue).toEqual([expect.objectContaining(expected)]);
    // Without venueId a dispatcher gets their venues (a sync may have moved lastSyncedAt meanwhile).
    expect((await system.http(system.dispatcherToken(venue.id)).get('/v1/connections').expect(200)).body).toEqual([expect.objectContaining(expected)]);
    expect((await system.http(system.adminToken()).get('/v1/connections').expect(200)).body).toContainEqual(expect.objectContaining(expected));
    expect((await system.http(system.adminToken()).get(`/v1/connections?venueId=${otherVenue.id}`).expect(200)).body).toEqual([]);
  });

  it('PATCH moves the push calendar (the pushed event follows) and stops pulling a calendar (its slots go at once)', async () => {
    const client = radicale.client('carol');
    const calendars: Array<{ id: string; name: string }> = (await system.http(system.adminToken()).get(`/v1/connections/${carolConn.id}/calendars`).expect(200)).body;
    const work = calendars.find((c) => c.name === 'Work')!;
    const personal = calendars.find((c) => c.name === 'Personal')!;
    const carolHttp = system.http(system.staffToken(carol.id));
    await carolHttp.patch(`/v1/connections/${carolConn.id}`, { pushCalendarId: work.id }).expect(200);

    const job = await system.factory.job({ venueId: venue.id, title: 'Balayage', startsAt: utcAt(2, '09:00'), endsAt: utcAt(2, '11:00') });
    await system.factory.assign(job.id, carol.id);
    const inCalendar = async (name: string) => (await client.objects(name)).some((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === job.id);
    await waitFor(async () => expect(await inCalendar('work')).toBe(true), { what: 'the event in Work' });

    await client.put('personal', 'gym.ics', ics('UID:gym', `DTSTART:${icsUtc(utcAt(3, '18:00'))}`, `DTEND:${icsUtc(utcAt(3, '19:00'))}`));
    await waitFor(async () => expect(await blockedSlots(system, carol.id)).toHaveLength(1), { what: 'the gym slot' });

    const patched = (await carolHttp.patch(`/v1/connections/${carolConn.id}`, { pushCalendarId: personal.id, pullCalendarIds: [work.id] }).expect(200)).body;
    expect(patched).toMatchObject({ pushCalendarId: personal.id, pullCalendarIds: [work.id] });
    expect(await blockedSlots(system, carol.id)).toEqual([]);
    await waitFor(
      async () => {
        expect(await inCalendar('personal')).toBe(true);
        expect(await inCalendar('work')).toBe(false);
      },
      { what: 'the event to move to Personal' },
    );
    const unknown = await carolHttp.patch(`/v1/connections/${carolConn.id}`, { pullCalendarIds: ['00000000-0000-4000-8000-000000000000'] }).expect(422);
    expect(unknown.body.code).toBe('CALENDAR_NOT_FOUND');
  });

  it('rejected credentials: needs_reauth once, no retry storm; reconnecting with a new password resumes', async () => {
    const daveConn = await connectCaldav(system, radicale, dave.id, 'dave', 'dave-app-password');
    await waitForPull(system, daveConn.id, 0, "dave's first sync");
    radicale.setPassword('dave', 'revoked-and-replaced');

    await waitFor(
      async () => {
        const c = await connection(system, daveConn.id);
        expect(c.status).toBe('needs_reauth');
        expect(c.lastError).toMatch(/refused the credentials/);
      },
      { what: 'needs_reauth' },
    );
    // Work keeps arriving for dave, and ticks keep running; nothing reaches the server.
    const job = await system.factory.job({ venueId: venue.id, title: 'Fade', startsAt: utcAt(4, '09:00'), endsAt: utcAt(4, '10:00') });
    await system.factory.assign(job.id, dave.id);
    const callsBefore = observed.calls.get(daveConn.id);
    const ticks = () => counter(system, 'calbridge_sync_ticks_total');
    const ticksBefore = await ticks();
    await waitFor(async () => expect((await ticks()) - ticksBefore).toBeGreaterThanOrEqual(6), { what: 'six more ticks' });
    expect(observed.calls.get(daveConn.id)).toBe(callsBefore);
    expect(await connection(system, daveConn.id)).toMatchObject({ status: 'needs_reauth', failureCount: 1 });
    const resync = await system.http(system.staffToken(dave.id)).post(`/v1/connections/${daveConn.id}/resync`).expect(409);
    expect(resync.body.code).toBe('CONNECTION_NEEDS_REAUTH');

    const again = await system
      .http(system.staffToken(dave.id))
      .post(`/v1/staff/${dave.id}/connections/caldav`, { serverUrl: serverUrl(), username: 'dave', appPassword: 'revoked-and-replaced' })
      .expect(200);
    expect(again.body).toMatchObject({ id: daveConn.id, status: expect.stringMatching(/active|syncing/), lastError: null });
    await waitFor(
      async () => expect((await radicale.client('dave').objects('main')).some((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === job.id)).toBe(true),
      { what: 'the waiting push to go out' },
    );
  });

  it('resync lists everything again and reports through the connection', async () => {
    const since = Date.now();
    const res = await system.http(system.staffToken(carol.id)).post(`/v1/connections/${carolConn.id}/resync`).expect(202);
    expect(res.body).toMatchObject({ id: carolConn.id, status: 'syncing' });
    // A pull already running when the resync was asked for may finish first: wait for the state
    // after the resync's own full pull (synced since, and no longer syncing).
    const after = await waitFor(
      async () => {
        const c = await waitForPull(system, carolConn.id, since, 'the resync');
        if (c.status === 'syncing') throw new Error('still syncing');
        return c;
      },
      { what: 'the resync to finish' },
    );
    expect(after.status).toBe('active');
  });

  it('DELETE ?removePushedEvents=true removes what was pushed and forgets the credentials', async () => {
    const client = radicale.client('carol');
    await waitFor(async () => expect((await client.objects('personal')).some((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB'))).toBe(true), {
      what: 'a pushed event',
    });
    await system.http(system.dispatcherToken(venue.id)).delete(`/v1/connections/${carolConn.id}`).expect(403);
    const res = await system.http(system.staffToken(carol.id)).delete(`/v1/connections/${carolConn.id}?removePushedEvents=true`).expect(202);
    expect(res.body).toMatchObject({ status: 'disconnected', removingPushedEvents: true });
    await waitFor(
      async () => {
        expect((await client.objects('personal')).filter((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB'))).toEqual([]);
        const [row] = await system.dataSource.query(`SELECT credentials, status FROM sync_connections WHERE id = $1`, [carolConn.id]);
        expect(row).toEqual({ credentials: null, status: 'disconnected' });
      },
      { what: 'the pushed events to go' },
    );
    // The user's own event stays.
    expect((await client.objects('personal')).map((o) => icsProperty(o.data, 'UID'))).toEqual(['gym']);
    expect((await connection(system, carolConn.id)).status).toBe('disconnected');
  });
});

async function counter(system: TestSystem, name: string): Promise<number> {
  const metric = await system.worker!.get(MetricsService).registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}
