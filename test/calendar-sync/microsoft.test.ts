import { PushedEventsRepository, SyncQueues } from '@calbridge/calendar-sync/testing';
import { JobsService } from '@calbridge/scheduling/testing';
import { DateTime } from 'luxon';
import { RunningMicrosoftEmulator, startMicrosoftEmulator } from '../../apps/emulators/src';
import { assertEmulatorTlsTrusted } from '../support/emulators';
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
 * Microsoft Outlook end to end: calbridge (api + worker, real Postgres and Redis) against the
 * Graph emulator through @microsoft/microsoft-graph-client (over TLS), connected through the
 * identity platform's v2.0 OAuth flow, kept in sync by subscription notifications to its webhook
 * (the cron fallback is off unless a test runs it).
 */
const ALICE = 'alice@example.com';
const ROUTES = {
  delta: 'GET /v1.0/me/calendars/:calendarId/calendarView/delta',
  create: 'POST /v1.0/me/calendars/:calendarId/events',
  patch: 'PATCH /v1.0/me/events/:eventId',
  delete: 'DELETE /v1.0/me/events/:eventId',
  subscribe: 'POST /v1.0/subscriptions',
  renew: 'PATCH /v1.0/subscriptions/:subscriptionId',
  token: 'POST /:tenant/oauth2/v2.0/token',
};

describe('Microsoft Outlook sync (Graph SDK against the emulator)', () => {
  let graph: RunningMicrosoftEmulator;
  let system: TestSystem;
  let venue: { id: string };
  let staff: { id: string };
  let connectionId: string;
  const slots = () => blockedSlots(system, staff.id);
  const span = (s: SlotView) => [s.startsAt, s.endsAt];
  const iso = (v: string) => new Date(v).toISOString();
  const stats = () => graph.controls.stats().byRoute;
  const utcTime = (v: string) => ({ dateTime: iso(v).replace('Z', ''), timeZone: 'UTC' });
  // Pushed events carry the job's link in their body.
  const ourEvents = (jobId: string) =>
    graph.controls.peekEvents(ALICE).filter((e) => e.transactionId && String((e.body as { content?: string } | undefined)?.content ?? '').includes(jobId));
  const subscription = () => graph.controls.subscriptions().find((s) => s.account === ALICE)!;
  const openConflicts = async () =>
    (await system.http(system.adminToken()).get(`/v1/conflicts?staffId=${staff.id}&status=open`).expect(200)).body as Array<{ id: string; job: { id: string } }>;
  const removeExternal = async () => {
    for (const e of graph.controls.peekEvents(ALICE)) if (!e.transactionId) graph.controls.user.deleteEvent(ALICE, e.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'a clean calendar' });
  };

  beforeAll(async () => {
    graph = await startMicrosoftEmulator({ accounts: [{ email: ALICE, displayName: 'Alice Example' }] });
    await assertEmulatorTlsTrusted(graph);
    system = await startWebhookDrivenSystem(graph.calbridgeEnv());
    const team = await system.factory.team(1, { timezone: 'Europe/Berlin' });
    venue = team.venue;
    staff = team.staff[0];
  });

  afterAll(async () => {
    await system?.stop();
    await graph?.stop();
  });

  it('connects through OAuth (v2.0 endpoints, PKCE), the default calendar pushed to and pulled from, a validated subscription', async () => {
    const url = await authorizeUrl(system, 'microsoft', staff.id);
    expect(url.pathname).toBe('/common/oauth2/v2.0/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('offline_access Calendars.ReadWrite User.Read openid email');
    expect(url.searchParams.get('redirect_uri')).toBe(`${system.baseUrl}/oauth/microsoft/callback`);

    const connected = await connectThroughOAuth(system, 'microsoft', staff.id, ALICE);
    connectionId = connected.connectionId;
    expect(connected.location).toBe(`${system.baseUrl}/app/#connected=microsoft&connectionId=${connectionId}`);
    expect(await waitUntilLive(system, connectionId)).toMatchObject({ provider: 'microsoft', accountEmail: ALICE });
    const calendars = (await system.http(system.staffToken(staff.id)).get(`/v1/connections/${connectionId}/calendars`).expect(200)).body;
    expect(calendars).toEqual([expect.objectContaining({ externalId: graph.controls.accounts()[0].defaultCalendarId, push: true, pull: true })]);

    const sub = subscription();
    expect(sub).toMatchObject({ notificationUrl: `${system.baseUrl}/webhooks/microsoft`, lifecycleNotificationUrl: `${system.baseUrl}/webhooks/microsoft`, immutableIds: true });
    expect((await channelOf(system, connectionId)).channelId).toBe(sub.id);
    // The validation handshakes were answered with the token, as text/plain, at once.
    const validations = graph.controls.notifications.records().filter((r) => r.notification.kind === 'graph-validation');
    expect(validations).toHaveLength(2);
    for (const v of validations) {
      expect(v).toMatchObject({ state: 'delivered', status: 200 });
      expect(v.responseContentType).toMatch(/^text\/plain/);
      expect(v.responseBody).toBe(new URL(v.notification.url).searchParams.get('validationToken'));
    }
  });

  it('ignores spoofed and unknown notifications, answering them exactly like genuine ones', async () => {
    await graph.controls.notifications.settled();
    const jobsBefore = await pullJobsSeen(system);
    const post = (body: object) => system.http().post('/webhooks/microsoft', body);
    const spoofed = await post({ value: [{ subscriptionId: subscription().id, clientState: 'guessed', changeType: 'updated' }] }).expect(202);
    const unknown = await post({ value: [{ subscriptionId: 'unknown', clientState: 'guessed', lifecycleEvent: 'missed' }] }).expect(202);
    const junk = await post({ nothing: true }).expect(202);
    expect([spoofed.text, unknown.text, junk.text]).toEqual(['', '', '']);
    expect(await pullJobsSeen(system)).toBe(jobsBefore);
    const genuine = graph.controls.notifications.records().filter((r) => r.notification.kind === 'graph-change' && r.state === 'delivered');
    expect(genuine.every((r) => r.status === 202 && !r.responseBody)).toBe(true);
  });

  it('assign, reschedule, cancel: the event is created, updated and removed, one request each, and never comes back as a blocked slot', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Colour and cut', startsAt: utcAt(2, '09:00', 'Europe/Berlin'), endsAt: utcAt(2, '10:00', 'Europe/Berlin') });
    let before = stats();
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);
    const [created] = ourEvents(job.id);
    expect(created).toMatchObject({ subject: 'Colour and cut', transactionId: expect.stringMatching(/^cb[0-9a-v]{32}$/), start: { dateTime: `${iso(utcAt(2, '09:00', 'Europe/Berlin')).slice(0, 19)}.0000000` } });
    expect(routeDiff(before, stats())[ROUTES.create]).toBe(1);

    before = stats();
    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { startsAt: utcAt(3, '14:00', 'Europe/Berlin'), endsAt: utcAt(3, '15:30', 'Europe/Berlin') });
    await waitForPushes(system, connectionId, [job.id]);
    expect(ourEvents(job.id)).toEqual([expect.objectContaining({ id: created.id, start: expect.objectContaining({ dateTime: `${iso(utcAt(3, '14:00', 'Europe/Berlin')).slice(0, 19)}.0000000` }) })]);
    expect(routeDiff(before, stats())).toMatchObject({ [ROUTES.patch]: 1 });
    expect(routeDiff(before, stats())[ROUTES.create]).toBeUndefined();
    const patch = graph.controls.requests().find((r) => r.route === ROUTES.patch);
    expect(patch?.headers['if-match']).toMatch(/^W\//);

    before = stats();
    await system.app.get(JobsService).update(TEST_ADMIN, job.id, { status: 'cancelled' });
    await waitForForgotten(system, connectionId, [job.id]);
    expect(ourEvents(job.id)).toEqual([]);
    expect(routeDiff(before, stats())[ROUTES.delete]).toBe(1);
    expect(await slots()).toEqual([]);
  });

  it('remote create, move and delete follow as blocked slots through webhooks alone; conflicts open and resolve', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Perm', startsAt: utcAt(5, '10:00', 'Europe/Berlin'), endsAt: utcAt(5, '11:00', 'Europe/Berlin') });
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);

    const dentist = graph.controls.user.createEvent(ALICE, { subject: 'Dentist', start: utcTime(utcAt(5, '10:30', 'Europe/Berlin')), end: utcTime(utcAt(5, '11:30', 'Europe/Berlin')) });
    const created = await waitFor(
      async () => {
        const found = await slots();
        expect(found.map(span)).toEqual([[iso(utcAt(5, '10:30', 'Europe/Berlin')), iso(utcAt(5, '11:30', 'Europe/Berlin'))]]);
        return found[0];
      },
      { what: 'the blocked slot' },
    );
    await waitFor(async () => expect((await openConflicts()).map((c) => c.job.id)).toEqual([job.id]), { what: 'the open conflict' });

    graph.controls.user.updateEvent(ALICE, dentist.id, { start: utcTime(utcAt(5, '14:00', 'Europe/Berlin')), end: utcTime(utcAt(5, '15:00', 'Europe/Berlin')) });
    await waitFor(
      async () => expect((await slots()).map((s) => [s.id, ...span(s)])).toEqual([[created.id, iso(utcAt(5, '14:00', 'Europe/Berlin')), iso(utcAt(5, '15:00', 'Europe/Berlin'))]]),
      { what: 'the slot to move' },
    );
    await waitFor(async () => expect(await openConflicts()).toEqual([]), { what: 'the conflict to resolve' });

    graph.controls.user.deleteEvent(ALICE, dentist.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('reads free, working-elsewhere, declined, cancelled, all-day and recurring events as Outlook means them', async () => {
    graph.controls.user.createEvent(ALICE, { subject: 'Free', showAs: 'free', start: utcTime(utcAt(6, '09:00')), end: utcTime(utcAt(6, '10:00')) });
    graph.controls.user.createEvent(ALICE, { subject: 'Remote day', showAs: 'workingElsewhere', start: utcTime(utcAt(6, '10:00')), end: utcTime(utcAt(6, '11:00')) });
    const declined = graph.controls.user.createEvent(ALICE, { subject: 'Invitation', start: utcTime(utcAt(6, '11:00')), end: utcTime(utcAt(6, '12:00')) });
    graph.controls.user.respond(ALICE, declined.id, 'declined');
    const cancelled = graph.controls.user.createEvent(ALICE, { subject: 'Call off', start: utcTime(utcAt(6, '13:00')), end: utcTime(utcAt(6, '14:00')) });
    graph.controls.user.cancelMeeting(ALICE, cancelled.id);
    const berlinDate = (days: number) => DateTime.fromISO(utcAt(days, '12:00', 'Europe/Berlin')).setZone('Europe/Berlin').toISODate()!;
    graph.controls.user.createEvent(ALICE, {
      subject: 'Holiday',
      isAllDay: true,
      start: { dateTime: `${berlinDate(7)}T00:00:00`, timeZone: 'Europe/Berlin' },
      end: { dateTime: `${berlinDate(8)}T00:00:00`, timeZone: 'Europe/Berlin' },
    });
    const local = (days: number, time: string) => DateTime.fromISO(utcAt(days, time, 'Europe/Berlin')).setZone('Europe/Berlin').toFormat("yyyy-MM-dd'T'HH:mm:ss");
    graph.controls.user.createEvent(ALICE, {
      subject: 'Weekly',
      start: { dateTime: local(9, '08:00'), timeZone: 'Europe/Berlin' },
      end: { dateTime: local(9, '08:30'), timeZone: 'Europe/Berlin' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: [DateTime.fromISO(local(9, '08:00')).toFormat('cccc').toLowerCase()] },
        range: { type: 'numbered', startDate: berlinDate(9), numberOfOccurrences: 3 },
      },
    });
    const day = [iso(utcAt(7, '00:00', 'Europe/Berlin')), iso(utcAt(8, '00:00', 'Europe/Berlin'))];
    const weekly = [9, 16, 23].map((d) => [iso(utcAt(d, '08:00', 'Europe/Berlin')), iso(utcAt(d, '08:30', 'Europe/Berlin'))]);
    await waitFor(async () => expect((await slots()).map(span).sort()).toEqual([day, ...weekly].sort()), { what: 'the all-day and weekly slots only' });
    expect((await slots()).find((s) => s.startsAt === day[0])?.allDay).toBe(true);

    // One occurrence deleted in Outlook: only its slot goes.
    const occurrences = graph.controls.peekEvents(ALICE).filter((e) => e.subject === 'Weekly');
    const master = occurrences[0];
    const rows = (await system.dataSource.query(`SELECT external_event_id, starts_at FROM blocked_slots WHERE staff_id = $1 ORDER BY starts_at`, [staff.id])) as Array<{
      external_event_id: string;
      starts_at: Date;
    }>;
    const second = rows.find((r) => r.starts_at.toISOString() === weekly[1][0])!;
    graph.controls.user.deleteEvent(ALICE, second.external_event_id);
    await waitFor(async () => expect((await slots()).map(span).sort()).toEqual([day, weekly[0], weekly[2]].sort()), { what: 'the deleted occurrence to go' });
    graph.controls.user.deleteEvent(ALICE, master.id);
    await waitFor(async () => expect((await slots()).map(span)).toEqual([day]), { what: 'the series to go' });
    await removeExternal();
  });

  it('catches a dropped notification at the next cron tick', async () => {
    await waitForQuietPulls(system);
    graph.controls.dropNextNotifications(1);
    const lost = graph.controls.user.createEvent(ALICE, { subject: 'Lost', start: utcTime(utcAt(10, '09:00')), end: utcTime(utcAt(10, '10:00')) });
    await graph.controls.notifications.settled();
    expect(graph.controls.notifications.records().filter((r) => r.state === 'dropped')).toHaveLength(1);
    expect(await slots()).toEqual([]);
    await waitFor(
      async () => {
        await runTick(system);
        expect((await slots()).map(span)).toEqual([[iso(utcAt(10, '09:00')), iso(utcAt(10, '10:00'))]]);
      },
      { what: 'the tick to pull it', intervalMs: 500 },
    );
    graph.controls.user.deleteEvent(ALICE, lost.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('renews an access token Graph no longer accepts and stores the rotated refresh token sealed', async () => {
    await waitForQuietPulls(system);
    const [before] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [connectionId]);
    const tokenRequests = stats()[ROUTES.token] ?? 0;
    graph.controls.expireAccessTokens();
    const event = graph.controls.user.createEvent(ALICE, { subject: 'Renewed', start: utcTime(utcAt(15, '09:00')), end: utcTime(utcAt(15, '10:00')) });
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the pull with a renewed token' });
    expect(stats()[ROUTES.token]).toBe(tokenRequests + 1);
    const [after] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [connectionId]);
    expect(after.credentials).not.toBe(before.credentials);
    graph.controls.user.deleteEvent(ALICE, event.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
    expect(stats()[ROUTES.token]).toBe(tokenRequests + 1);
  });

  it('starts a new delta round when Graph no longer knows the delta link (410 SyncStateNotFound)', async () => {
    await waitForQuietPulls(system);
    graph.controls.resetStats();
    graph.controls.expireDeltaTokens({ account: ALICE });
    const event = graph.controls.user.createEvent(ALICE, { subject: 'After 410', start: utcTime(utcAt(11, '09:00')), end: utcTime(utcAt(11, '10:00')) });
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(11, '09:00')), iso(utcAt(11, '10:00'))]]), { what: 'the new round' });
    const deltas = graph.controls.requests().filter((r) => r.route === ROUTES.delta);
    expect(deltas[0]).toMatchObject({ status: 410 });
    expect(deltas[0].url).toContain('$deltatoken=');
    expect(deltas[1].url).toContain('startDateTime=');
    expect(deltas[1].headers.prefer).toMatch(/odata\.maxpagesize=200/);
    expect(deltas[1].headers.prefer).toMatch(/IdType="ImmutableId"/);
    graph.controls.user.deleteEvent(ALICE, event.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('backs off as long as Retry-After says when throttled (too long for the SDK to wait it out), then succeeds', async () => {
    await waitForQuietPulls(system);
    graph.controls.resetStats();
    graph.controls.throttle(1, { retryAfterSeconds: 6, method: 'GET', path: '/calendarView/delta' });
    const event = graph.controls.user.createEvent(ALICE, { subject: 'Throttled', start: utcTime(utcAt(12, '09:00')), end: utcTime(utcAt(12, '10:00')) });
    // A rate limit is not an error: it shows as rate limits in a row and a back-off, not as lastError.
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ rateLimitedCount: 1, lastError: null, status: 'active' }), {
      what: 'the throttle to be seen',
      intervalMs: 20,
    });
    await waitFor(async () => expect((await slots()).map(span)).toEqual([[iso(utcAt(12, '09:00')), iso(utcAt(12, '10:00'))]]), { what: 'the retry', timeoutMs: 15_000 });
    const deltas = graph.controls.requests().filter((r) => r.route === ROUTES.delta);
    expect(deltas[0].fault).toBe('throttle');
    expect(deltas[1].at - deltas[0].at).toBeGreaterThanOrEqual(6000);
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ status: 'active', failureCount: 0, lastError: null }), { what: 'health' });
    graph.controls.user.deleteEvent(ALICE, event.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('lifecycle notifications: reauthorizationRequired renews the subscription, missed resyncs, subscriptionRemoved recreates it', async () => {
    await waitForQuietPulls(system);
    graph.controls.resetStats();
    const first = subscription();
    graph.controls.sendLifecycleNotification(first.id, 'reauthorizationRequired');
    await waitFor(() => expect(stats()[ROUTES.renew]).toBe(1), { what: 'the renewal' });
    await waitFor(async () => expect((await channelOf(system, connectionId)).expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_600_000), { what: 'the renewed channel' });
    expect(subscription()).toMatchObject({ id: first.id, reauthorizationRequired: false });

    await waitForQuietPulls(system);
    graph.controls.resetStats();
    graph.controls.sendLifecycleNotification(first.id, 'missed');
    await waitFor(
      () => expect(graph.controls.requests().filter((r) => r.route === ROUTES.delta).map((r) => r.url.includes('startDateTime='))).toEqual([true]),
      { what: 'a full resync' },
    );

    graph.controls.sendLifecycleNotification(first.id, 'subscriptionRemoved');
    await waitFor(
      async () => {
        const current = subscription();
        expect(current?.id).toBeDefined();
        expect(current.id).not.toBe(first.id);
        expect((await channelOf(system, connectionId)).channelId).toBe(current.id);
      },
      { what: 'a new subscription' },
    );
    expect(stats()[ROUTES.subscribe]).toBe(1);
    // Notifications flow through the new subscription.
    const event = graph.controls.user.createEvent(ALICE, { subject: 'Via new subscription', start: utcTime(utcAt(14, '09:00')), end: utcTime(utcAt(14, '10:00')) });
    await waitFor(async () => expect(await slots()).toHaveLength(1), { what: 'the notified pull' });
    graph.controls.user.deleteEvent(ALICE, event.id);
    await waitFor(async () => expect(await slots()).toEqual([]), { what: 'the slot to go' });
  });

  it('the nightly reconcile puts back a pushed event deleted in Outlook', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Drift', startsAt: utcAt(20, '09:00'), endsAt: utcAt(20, '10:00') });
    await system.factory.assign(job.id, staff.id);
    await waitForPushes(system, connectionId, [job.id]);
    const [pushed] = ourEvents(job.id);
    graph.controls.user.deleteEvent(ALICE, pushed.id);
    expect(ourEvents(job.id)).toEqual([]);
    await system.app.get(SyncQueues).requestMaintenance('maintenance.reconcile', {}, `test-${Date.now()}`);
    await waitFor(() => expect(ourEvents(job.id)).toEqual([expect.objectContaining({ subject: 'Drift' })]), { what: 'the event to be put back' });
    expect(await slots()).toEqual([]);
  });

  // Replaces the worker.
  it('a worker that dies between the remote create and the mapping write leaves no duplicate after the retry (transactionId)', async () => {
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
      { what: 'the remote create without its mapping' },
    );
    await crashing.close();
    system.worker = await system.startWorker();
    await waitForPushes(system, connectionId, [job.id], 'the retry to record the mapping');
    expect(ourEvents(job.id)).toHaveLength(1);
    const requests = routeDiff(before, stats());
    expect(requests[ROUTES.create]).toBeGreaterThanOrEqual(2);
    expect(requests[ROUTES.patch]).toBeUndefined();
  });

  // Last: the grant is gone.
  it('a revoked grant makes the connection needs_reauth, audited, with no retry storm; connecting again heals it', async () => {
    await waitForQuietPulls(system);
    graph.controls.revokeGrant({ account: ALICE });
    graph.controls.resetStats();
    graph.controls.user.createEvent(ALICE, { subject: 'Unseen', start: utcTime(utcAt(13, '09:00')), end: utcTime(utcAt(13, '10:00')) });
    await waitFor(async () => expect((await connection(system, connectionId)).status).toBe('needs_reauth'), { what: 'needs_reauth' });
    expect(await auditActions(system, connectionId)).toContain('calendar_connection.needs_reauth');
    graph.controls.user.createEvent(ALICE, { subject: 'Also unseen', start: utcTime(utcAt(13, '11:00')), end: utcTime(utcAt(13, '12:00')) });
    await graph.controls.notifications.settled();
    await runTick(system);
    const seen = graph.controls.stats();
    expect(seen.byRoute[ROUTES.token]).toBe(1);
    expect(seen.api).toBeLessThanOrEqual(1);

    await connectThroughOAuth(system, 'microsoft', staff.id, ALICE);
    await waitFor(async () => expect(await connection(system, connectionId)).toMatchObject({ status: 'active', lastError: null }), { what: 'the reconnect' });
    await waitFor(async () => expect(await slots()).toHaveLength(2), { what: 'the events made meanwhile' });

    // Disconnecting deletes the subscription at Microsoft.
    await system.http(system.staffToken(staff.id)).delete(`/v1/connections/${connectionId}`).expect(204);
    await waitFor(() => expect(graph.controls.subscriptions()).toEqual([]), { what: 'the subscription to go' });
    expect(await slots()).toEqual([]);
  });
});
