import { syncConfig } from '@calbridge/calendar-sync';
import { PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { JobsService } from '@calbridge/scheduling/testing';
import { DateTime } from 'luxon';
import { RunningGoogleEmulator, startGoogleEmulator } from '../../apps/emulators/src';
import { signState } from '../../libs/calendar-sync/src/connections/oauth-state';
import { TEST_ADMIN } from '../support/factory';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import {
  auditActions,
  authorizeUrl,
  channelOf,
  connectThroughOAuth,
  pullJobsSeen,
  routeDiff,
  runTick,
  startWebhookDrivenSystem,
  waitForForgotten,
  waitForPushes,
  waitForQuietPulls,
  waitUntilLive,
} from './oauth-fixture';
import { blockedSlots, connection, crashBeforeMappingWrite, SlotView, utcAt } from './sync-fixture';

/**
 * Google Calendar end to end: calbridge (api + worker, real Postgres and Redis) against the Google
 * emulator through googleapis, connected through the OAuth flow, kept in sync by watch-channel
 * notifications to its webhook (the cron fallback is off unless a test runs it).
 */
const ALICE = 'alice@example.com';
const ROUTES = {
  list: 'GET /calendar/v3/calendars/:calendarId/events',
  insert: 'POST /calendar/v3/calendars/:calendarId/events',
  get: 'GET /calendar/v3/calendars/:calendarId/events/:eventId',
  update: 'PUT /calendar/v3/calendars/:calendarId/events/:eventId',
  delete: 'DELETE /calendar/v3/calendars/:calendarId/events/:eventId',
  token: 'POST /token',
};

describe('Google Calendar sync (googleapis against the emulator)', () => {
  let google: RunningGoogleEmulator;
  let system: TestSystem;
  let venue: { id: string };
  let staff: { id: string };
  let connectionId: string;
  const slots = () => blockedSlots(system, staff.id);
  const span = (s: SlotView) => [s.startsAt, s.endsAt];
  const iso = (v: string) => new Date(v).toISOString();
  const stats = () => google.controls.stats().byRoute;
  const ourEvents = (jobId: string) =>
    google.controls.peekEvents(ALICE).filter((e) => (e.extendedProperties as { private?: Record<string, string> } | undefined)?.private?.calbridgeJob === jobId);
  const openConflicts = async () =>
    (await system.http(system.adminToken()).get(`/v1/conflicts?staffId=${staff.id}&status=open`).expect(200)).body as Array<{ id: string; job: { id: string } }>;

  beforeAll(async () => {
    google = await startGoogleEmulator({ accounts: [{ email: ALICE, displayName: 'Alice', timeZone: 'Europe/Berlin' }] });
    system = await startWebhookDrivenSystem(google.calbridgeEnv());
    const team = await system.factory.team(1, { timezone: 'Europe/Berlin' });
    venue = team.venue;
    staff = team.staff[0];
  });

  afterAll(async () => {
    await system?.stop();
    await google?.stop();
  });

  it('connects through OAuth: signed state and PKCE, code exchanged, primary calendar pushed to and pulled from, first sync, a watch channel', async () => {
    const url = await authorizeUrl(system, 'google', staff.id);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('redirect_uri')).toBe(`${system.baseUrl}/oauth/google/callback`);
    expect(url.searchParams.get('scope')!.split(' ').sort()).toEqual(
      ['email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly', 'openid'].sort(),
    );
    // Dispatchers do not connect other people's calendars.
    await system.http(system.dispatcherToken(venue.id)).get(`/v1/staff/${staff.id}/connections/google/authorize`).expect(403);

    const connected = await connectThroughOAuth(system, 'google', staff.id, ALICE);
    connectionId = connected.connectionId;
    expect(connected.location).toBe(`${system.baseUrl}/app/#connected=google&connectionId=${connectionId}`);
    const view = await waitUntilLive(system, connectionId);
    expect(view).toMatchObject({ provider: 'google', accountEmail: ALICE, lastError: null });
    const calendars = (await system.http(system.staffToken(staff.id)).get(`/v1/connections/${connectionId}/calendars`).expect(200)).body;
    expect(calendars).toEqual([expect.objectContaining({ externalId: ALICE, push: true, pull: true, timezone: 'Europe/Berlin' })]);
    const [row] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [connectionId]);
    expect(row.credentials).not.toMatch(/refresh|ya29\.|1\/\//);
    const [channel] = google.controls.channels();
    expect(channel).toMatchObject({ address: `${system.baseUrl}/webhooks/google` });
    expect((await channelOf(system, connectionId)).channelId).toBe(channel.id);
  });

  it('refuses forged, expired and replayed states with 400 and changes nothing; a denied consent returns to the UI with the error', async () => {
    const before = { connections: await system.dataSource.query(`SELECT count(*)::int AS n FROM sync_connections`), token: stats()[ROUTES.token] ?? 0 };
    const url = await authorizeUrl(system, 'google', staff.id);
    const back = new URLSearchParams((await fetch(`${url}&login_hint=${ALICE}`, { redirect: 'manual' }).then((r) => new URL(r.headers.get('location')!))).search);
    const state = back.get('state')!;
    const callback = (query: Record<string, string>) => system.http().get(`/oauth/google/callback?${new URLSearchParams(query)}`);

    const forged = `${state.split('.')[0]}.${Buffer.alloc(32, 1).toString('base64url')}`;
    expect((await callback({ code: back.get('code')!, state: forged }).expect(400)).body.code).toBe('OAUTH_STATE_INVALID');
    expect((await callback({ code: back.get('code')!, state: state.replace(/^./, 'x') }).expect(400)).body.code).toBe('OAUTH_STATE_INVALID');
    expect((await callback({ code: back.get('code')! }).expect(400)).body.code).toBe('OAUTH_STATE_INVALID');
    // Sent to the other provider's callback: not valid there.
    expect((await system.http().get(`/oauth/microsoft/callback?${back}`).expect(400)).body.code).toBe('OAUTH_STATE_INVALID');
    const secret = system.app.get<{ oauth: { stateSecret: string } }>(syncConfig.KEY).oauth.stateSecret;
    const expired = signState({ provider: 'google', staffId: staff.id, nonce: 'n', expiresAt: Date.now() - 1000 }, secret);
    expect((await callback({ code: back.get('code')!, state: expired }).expect(400)).body.code).toBe('OAUTH_STATE_EXPIRED');

    // The user says no at Google: back to the UI with the reason, state used up.
    const denied = await fetch(`${url}&emulator_consent=deny`, { redirect: 'manual' }).then((r) => new URL(r.headers.get('location')!));
    const deniedRes = await system.http().get(`/oauth/google/callback${denied.search}`).expect(302);
    expect(deniedRes.headers.location).toBe(`${system.baseUrl}/app/#error=access_denied`);
    expect((await system.http().get(`/oauth/google/callback${denied.search}`).expect(400)).body.code).toBe('OAUTH_STATE_INVALID');

    expect(await system.dataSource.query(`SELECT count(*)::int AS n FROM sync_connections`)).toEqual(before.connections);
    expect(stats()[ROUTES.token] ?? 0).toBe(before.token);
  });

  it('ignores spoofed and unknown notifications, answering them exactly like genuine ones', async () => {
    const { channelId } = await channelOf(system, connectionId);
    await google.controls.notifications.settled();
    const jobsBefore = await pullJobsSeen(system);
    const post = (headers: Record<string, string>) => system.http().post('/webhooks/google').set({ 'x-goog-resource-state': 'exists', ...headers });
    const wrongToken = await post({ 'x-goog-channel-id': channelId, 'x-goog-channel-token': 'guessed' }).expect(200);
    const unknown = await post({ 'x-goog-channel-id': 'not-a-channel', 'x-goog-channel-token': 'guessed' }).expect(200);
    const bare = await post({}).expect(200);
    expect([wrongToken.text, unknown.text, bare.text]).toEqual(['', '', '']);
    expect(await pullJobsSeen(system)).toBe(jobsBefore);
    // Genuine notifications got the very same answer.
    const genuine = google.controls.notifications.records().filter((r) => r.state === 'delivered');
    expect(genuine.length).toBeGreaterThan(0);
    expect(genuine.every((r) => r.status === 200 && !r.responseBody)).toBe(true);
  });

  it('assign, reschedule, cancel: the event is created, updated and removed, one request each, and never comes back as a blocked slot', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Colour and cut', startsAt: utcAt(2, '09:00', 'Europe/Berlin'), endsAt: utcAt(2, '10:00', 'Europe/Berlin') });
    let before = stats();
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);
    const [created] = ourEvents(job.id);
    expect(created).toMatchObject({ summary: 'Colour and cut', start: { dateTime: expect.stringMatching(/T09:00:00\+0[12]:00$/), timeZone: 'Europe/Berlin' } });
    expect(created.id).toMatch(/^cb[0-9a-v]{32}$/);
    expect(routeDiff(before, stats())[ROUTES.insert]).toBe(1);

    before = stats();
    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { startsAt: utcAt(3, '14:00', 'Europe/Berlin'), endsAt: utcAt(3, '15:30', 'Europe/Berlin') });
    await waitForPushes(system, connectionId, [job.id]);
    expect(ourEvents(job.id)).toEqual([expect.objectContaining({ id: created.id, start: expect.objectContaining({ dateTime: expect.stringMatching(/T14:00:00/) }) })]);
    expect(routeDiff(before, stats())).toMatchObject({ [ROUTES.update]: 1 });
    expect(routeDiff(before, stats())[ROUTES.insert]).toBeUndefined();

    before = stats();
    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { status: 'cancelled' });
    await waitForForgotten(system, connectionId, [job.id]);
    expect(ourEvents(job.id)).toEqual([]);
    expect(routeDiff(before, stats())[ROUTES.delete]).toBe(1);

    // Our own event was pulled back by the notifications it caused: never a blocked slot.
    expect(await slots()).toEqual([]);
  });

  it('remote create, move and delete follow as blocked slots through webhooks alone; conflicts open and resolve', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Perm', startsAt: utcAt(5, '10:00', 'Europe/Berlin'), endsAt: utcAt(5, '11:00', 'Europe/Berlin') });
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);

    const dentist = google.controls.user.createEvent(ALICE, {
      summary: 'Dentist',
      start: { dateTime: utcAt(5, '10:30', 'Europe/Berlin') },
      end: { dateTime: utcAt(5, '11:30', 'Europe/Berlin') },
    });
    const created = await waitFor(
      async () => {
        const found = await slots();
        expect(found.map(span)).toEqual([[iso(utcAt(5, '10:30', 'Europe/Berlin')), iso(utcAt(5, '11:30', 'Europe/Berlin'))]]);
        return found[0];
      },
      { what: 'the blocked slot' },
    );
    await waitFor(async () => expect((await openConflicts()).map((c) => c.job.id)).toEqual([job.id]), { what: 'the open conflict' });

    google.controls.user.updateEvent(ALICE, dentist.id as string, { start: { dateTime: utcAt(5, '14:00', 'Europe/Berlin') }, end: { dateTime: utcAt(5, '15:00', 'Europe/Berlin') } });
    await waitFor(
      async () => expect((await slots()).map((s) => [s.id, ...span(s)])).toEqual([[created.id, iso(utcAt(5, '14:00', 'Europe/Berlin')), iso(utcAt(5, '15:00', 'Europe/Berlin'))]]),
      { what: 'the slot to move' },
    );
    await waitFor(async () => expect(await openConflicts()).toEqual([]), { what: 'the conflict to resolve' });

    google.controls.user.deleteEvent(ALICE, dentist.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
    expect((await connection(system, connectionId)).status).toBe('active');
  });

  it('reads free, declined, all-day and recurring events as Google means them', async () => {
    const at = (days: number, time: string) => ({ dateTime: utcAt(days, time, 'Europe/Berlin') });
    google.controls.user.createEvent(ALICE, { summary: 'Free', transparency: 'transparent', start: at(6, '09:00'), end: at(6, '10:00') });
    const declined = google.controls.user.createEvent(ALICE, {
      summary: 'Invitation',
      start: at(6, '11:00'),
      end: at(6, '12:00'),
      attendees: [{ email: 'boss@example.com' }, { email: ALICE }],
    });
    google.controls.user.respond(ALICE, declined.id as string, 'declined');
    const day = utcAt(7, '00:00', 'Europe/Berlin');
    const date = (d: string) => new Date(new Date(d).getTime() + 12 * 3_600_000).toISOString().slice(0, 10);
    google.controls.user.createEvent(ALICE, { summary: 'Holiday', start: { date: date(day) }, end: { date: date(utcAt(8, '00:00', 'Europe/Berlin')) } });
    const local = (days: number, time: string) => DateTime.fromISO(utcAt(days, time, 'Europe/Berlin')).setZone('Europe/Berlin').toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const weekly = google.controls.user.createEvent(ALICE, {
      summary: 'Weekly',
      start: { dateTime: local(9, '08:00'), timeZone: 'Europe/Berlin' },
      end: { dateTime: local(9, '08:30'), timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    const expected = [
      [iso(day), iso(utcAt(8, '00:00', 'Europe/Berlin'))],
      ...[9, 16, 23].map((d) => [iso(utcAt(d, '08:00', 'Europe/Berlin')), iso(utcAt(d, '08:30', 'Europe/Berlin'))]),
    ];
    await waitFor(async () => expect((await slots()).map(span).sort()).toEqual(expected.sort()), { what: 'the all-day and weekly slots only' });
    expect((await slots()).find((s) => s.startsAt === iso(day))?.allDay).toBe(true);

    // One occurrence deleted in Google: only its slot goes; then the whole series.
    const second = `${weekly.id}_${iso(utcAt(16, '08:00', 'Europe/Berlin')).replace(/[-:]|\.\d{3}/g, '')}`;
    google.controls.user.deleteEvent(ALICE, second);
    await waitFor(async () => expect((await slots()).map(span).sort()).toEqual(expected.filter((s) => s[0] !== iso(utcAt(16, '08:00', 'Europe/Berlin'))).sort()), {
      what: 'the cancelled occurrence to go',
    });
    google.controls.user.deleteEvent(ALICE, weekly.id as string);
    await waitFor(async () => expect((await slots()).map(span)).toEqual([expected.find((s) => s[0] === iso(day))]), { what: 'the series to go' });
    for (const e of google.controls.peekEvents(ALICE)) if (!String(e.id).startsWith('cb')) google.controls.user.deleteEvent(ALICE, e.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'a clean calendar' });
  });

  it('catches a dropped notification at the next cron tick', async () => {
    await waitForQuietPulls(system);
    google.controls.dropNextNotifications(1);
    const lost = google.controls.user.createEvent(ALICE, { summary: 'Lost', start: { dateTime: utcAt(10, '09:00') }, end: { dateTime: utcAt(10, '10:00') } });
    await google.controls.notifications.settled();
    expect(google.controls.notifications.records().filter((r) => r.state === 'dropped')).toHaveLength(1);
    expect(await slots()).toEqual([]);
    // The cron's tick, as often as it would run: it pulls the connection once its last sync is older than the interval.
    await waitFor(
      async () => {
        await runTick(system);
        expect((await slots()).map(span)).toEqual([[iso(utcAt(10, '09:00')), iso(utcAt(10, '10:00'))]]);
      },
      { what: 'the tick to pull it', intervalMs: 500 },
    );
    google.controls.user.deleteEvent(ALICE, lost.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('renews an access token Google no longer accepts and stores the new one sealed', async () => {
    await waitForQuietPulls(system);
    const [before] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [connectionId]);
    const tokenRequests = stats()[ROUTES.token] ?? 0;
    google.controls.expireAccessTokens();
    const event = google.controls.user.createEvent(ALICE, { summary: 'Renewed', start: { dateTime: utcAt(15, '09:00') }, end: { dateTime: utcAt(15, '10:00') } });
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the pull with a renewed token' });
    expect(stats()[ROUTES.token]).toBe(tokenRequests + 1);
    const [after] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [connectionId]);
    expect(after.credentials).not.toBe(before.credentials);
    google.controls.user.deleteEvent(ALICE, event.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
    expect(stats()[ROUTES.token]).toBe(tokenRequests + 1);
  });

  it('lists the calendar in full when Google no longer accepts the sync token (410)', async () => {
    await waitForQuietPulls(system);
    google.controls.resetStats();
    google.controls.expireSyncTokens(ALICE);
    const event = google.controls.user.createEvent(ALICE, { summary: 'After 410', start: { dateTime: utcAt(11, '09:00') }, end: { dateTime: utcAt(11, '10:00') } });
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(11, '09:00')), iso(utcAt(11, '10:00'))]]), { what: 'the full resync' });
    const lists = google.controls.requests().filter((r) => r.route === ROUTES.list);
    expect(lists[0]).toMatchObject({ status: 410 });
    expect(lists[0].url).toContain('syncToken=');
    expect(lists[1].url).not.toContain('syncToken=');
    expect(lists[1].url).toContain('timeMin=');
    expect((await connection(system, connectionId)).status).toBe('active');
    google.controls.user.deleteEvent(ALICE, event.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('backs off as long as Retry-After says when throttled, then succeeds', async () => {
    await waitForQuietPulls(system);
    google.controls.resetStats();
    google.controls.throttle(1, { status: 403, reason: 'userRateLimitExceeded', retryAfterSeconds: 2, method: 'GET', path: '/events' });
    const event = google.controls.user.createEvent(ALICE, { summary: 'Throttled', start: { dateTime: utcAt(12, '09:00') }, end: { dateTime: utcAt(12, '10:00') } });
    // A rate limit is not an error: it shows as rate limits in a row and a back-off, not as lastError.
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ rateLimitedCount: 1, lastError: null, status: 'active' }), {
      what: 'the throttle to be seen',
      intervalMs: 20,
    });
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(12, '09:00')), iso(utcAt(12, '10:00'))]]), { what: 'the retry' });
    const lists = google.controls.requests().filter((r) => r.route === ROUTES.list);
    expect(lists[0].fault).toBe('throttle');
    expect(lists[1].at - lists[0].at).toBeGreaterThanOrEqual(2000);
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ status: 'active', failureCount: 0, lastError: null }), { what: 'health' });
    google.controls.user.deleteEvent(ALICE, event.id as string);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('the nightly reconcile puts back a pushed event deleted in Google (same id: deleted ids stay taken)', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Drift', startsAt: utcAt(20, '09:00'), endsAt: utcAt(20, '10:00') });
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);
    const [pushed] = ourEvents(job.id);
    google.controls.user.deleteEvent(ALICE, pushed.id as string);
    expect(ourEvents(job.id)).toEqual([]);
    await system.app.get(SyncQueues).requestMaintenance('maintenance.reconcile', {}, `test-${Date.now()}`);
    await waitFor(() => expect(ourEvents(job.id)).toEqual([expect.objectContaining({ id: pushed.id, status: 'tentative', summary: 'Drift' })]), {
      what: 'the event to be put back',
    });
    expect(await slots()).toEqual([]);
  });

  // Replaces the worker.
  it('a worker that dies between the remote insert and the mapping write leaves no duplicate after the retry', async () => {
    await system.worker!.close();
    system.worker = undefined;
    const crashing = await system.startWorker(crashBeforeMappingWrite);
    const job = await system.factory.job({ venueId: venue.id, title: 'Crash test', startsAt: utcAt(30, '09:00'), endsAt: utcAt(30, '10:00') });
    const before = stats();
    await system.factory.assign(job.id, staff.id);
    const ledger = system.app.get(PushedEventsRepository);
    await waitFor(
      async () => {
        expect(ourEvents(job.id)).toHaveLength(1);
        expect((await ledger.all(connectionId)).find((r) => r.jobId === job.id)).toMatchObject({ state: 'pending', externalId: null });
      },
      { what: 'the remote insert without its mapping' },
    );
    await crashing.close();
    system.worker = await system.startWorker();
    await waitForPushes(system, connectionId, [job.id], 'the retry to record the mapping');
    expect(ourEvents(job.id)).toHaveLength(1);
    const requests = routeDiff(before, stats());
    // Retried inserts answer 409; the event found carries this content: adopted, never written twice.
    expect(requests[ROUTES.update]).toBeUndefined();
    expect(requests[ROUTES.get]).toBeGreaterThanOrEqual(1);
  });

  // Last: the grant is gone.
  it('a revoked grant makes the connection needs_reauth, audited, with no retry storm; connecting again heals it', async () => {
    await waitForQuietPulls(system);
    google.controls.revokeGrant({ account: ALICE });
    google.controls.expireAccessTokens();
    google.controls.resetStats();
    google.controls.user.createEvent(ALICE, { summary: 'Unseen', start: { dateTime: utcAt(13, '09:00') }, end: { dateTime: utcAt(13, '10:00') } });
    await waitFor(async () => expect((await connection(system, connectionId)).status).toBe('needs_reauth'), { what: 'needs_reauth' });
    expect((await connection(system, connectionId)).lastError).toMatch(/invalid_grant|revoked/);
    expect(await auditActions(system, connectionId)).toContain('calendar_connection.needs_reauth');
    // More notifications change nothing: no pull, no request.
    google.controls.user.createEvent(ALICE, { summary: 'Also unseen', start: { dateTime: utcAt(13, '11:00') }, end: { dateTime: utcAt(13, '12:00') } });
    await google.controls.notifications.settled();
    await runTick(system);
    const seen = google.controls.stats();
    expect(seen.byRoute[ROUTES.token]).toBe(1);
    expect(seen.api).toBeLessThanOrEqual(1);

    await connectThroughOAuth(system, 'google', staff.id, ALICE);
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ status: 'active', lastError: null }), { what: 'the reconnect' });
    await waitFor(async () => expect(await slots()).toHaveLength(2), { what: 'the events made meanwhile' });

    // Disconnecting stops the watch channel at Google.
    await system.http(system.staffToken(staff.id)).delete(`/v1/connections/${connectionId}`).expect(204);
    await waitFor(() => expect(google.controls.channels().filter((c) => c.active)).toEqual([]), { what: 'the channel to stop' });
    expect(await slots()).toEqual([]);
  });
});
