import type { Client } from '@microsoft/microsoft-graph-client';
import { createHash, randomBytes } from 'node:crypto';
import { manualClock, RunningMicrosoftEmulator, startMicrosoftEmulator } from '../../apps/emulators/src';
import { assertEmulatorTlsTrusted, authorize, graphClient, startWebhookReceiver, WebhookReceiver } from '../support/emulators';

/**
 * The Microsoft Graph v1.0 emulator through the official @microsoft/microsoft-graph-client (over
 * TLS with the emulator CA, `customHosts`), and its identity endpoints with plain fetch.
 */

const ACCOUNT = 'alice@example.com';
const MARKER = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name calbridgeJobId';
const IMMUTABLE = 'IdType="ImmutableId"';

// The Graph SDK returns untyped (`any`) bodies; the tests read them as loose JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface GraphErrorLike {
  statusCode: number;
  code: string;
  headers?: Headers;
  body?: string;
}

async function failure(promise: Promise<unknown>): Promise<GraphErrorLike> {
  try {
    await promise;
  } catch (error) {
    return error as GraphErrorLike;
  }
  throw new Error('expected the call to fail');
}

const berlin = (local: string) => ({ dateTime: local, timeZone: 'Europe/Berlin' });

describe('Microsoft Graph emulator (@microsoft/microsoft-graph-client)', () => {
  let emulator: RunningMicrosoftEmulator;
  let receiver: WebhookReceiver;
  let client: Client;

  beforeAll(async () => {
    emulator = await startMicrosoftEmulator({ accounts: [{ email: ACCOUNT, displayName: 'Alice Example' }] });
    receiver = await startWebhookReceiver();
    await assertEmulatorTlsTrusted(emulator);
    client = graphClient(emulator, emulator.controls.issueTokens({ account: ACCOUNT }).accessToken);
  });

  afterAll(async () => {
    await emulator?.stop();
    await receiver?.stop();
  });

  const newCalendar = () => emulator.controls.addCalendar(ACCOUNT, { name: `cal-${randomBytes(3).toString('hex')}` });
  const eventBody = (subject: string, start: string, end: string, extra: Json = {}) => ({ subject, start: berlin(start), end: berlin(end), ...extra });

  /** Follows nextLinks to the end of a delta round. */
  async function deltaRound(first: Promise<Json>): Promise<{ pages: Json[]; items: Json[]; deltaLink: string }> {
    const pages: Json[] = [];
    let page = await first;
    for (;;) {
      pages.push(page);
      if (!page['@odata.nextLink']) break;
      page = await client.api(page['@odata.nextLink']).header('Prefer', IMMUTABLE).get();
    }
    return { pages, items: pages.flatMap((p) => p.value), deltaLink: pages[pages.length - 1]['@odata.deltaLink'] };
  }

  describe('identity platform v2.0 (authorization code + PKCE, refresh, revocation)', () => {
    it('exchanges a code with its verifier, rotates refresh tokens and answers invalid_grant after revocation', async () => {
      const app = emulator.clients[0];
      const verifier = randomBytes(48).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const redirectUri = 'http://127.0.0.1:3000/oauth/microsoft/callback';
      const url = new URL(emulator.endpoints.authorizeUrl);
      for (const [k, v] of Object.entries({
        client_id: app.clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        response_mode: 'query',
        scope: 'offline_access openid https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/User.Read',
        state: 'state-42',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        login_hint: ACCOUNT,
      })) {
        url.searchParams.set(k, v);
      }
      const back = await authorize(url.toString());
      expect(back.get('state')).toBe('state-42');
      const token = (form: Record<string, string>) =>
        fetch(emulator.endpoints.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      const base = { client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: redirectUri };

      const badVerifier = await token({ ...base, grant_type: 'authorization_code', code: back.get('code') as string, code_verifier: 'x'.repeat(43) });
      expect(badVerifier.status).toBe(400);
      expect(await badVerifier.json()).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });

      const again = await authorize(url.toString());
      const ok = await token({ ...base, grant_type: 'authorization_code', code: again.get('code') as string, code_verifier: verifier });
      expect(ok.status).toBe(200);
      const tokens = (await ok.json()) as Json;
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String), id_token: expect.any(String) });
      const claims = JSON.parse(Buffer.from(String(tokens.id_token).split('.')[1], 'base64url').toString()) as Json;
      expect(claims).toMatchObject({ preferred_username: ACCOUNT, aud: app.clientId, tid: emulator.tenantId });
      const me = await graphClient(emulator, tokens.access_token).api('/me').get();
      expect(me).toMatchObject({ mail: ACCOUNT, userPrincipalName: ACCOUNT });

      const refreshed = (await (await token({ ...base, grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as Json;
      expect(refreshed.refresh_token).toEqual(expect.any(String));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      const wrongSecret = await token({ ...base, client_secret: 'nope', grant_type: 'refresh_token', refresh_token: refreshed.refresh_token });
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });

      emulator.controls.revokeGrant({ refreshToken: refreshed.refresh_token });
      const revoked = await token({ ...base, grant_type: 'refresh_token', refresh_token: refreshed.refresh_token });
      expect(revoked.status).toBe(400);
      expect(await revoked.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
      const denied = await failure(graphClient(emulator, refreshed.access_token).api('/me/calendars').get());
      expect(denied).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    });

    it('checks token expiry and scopes on every call', async () => {
      const readOnly = emulator.controls.issueTokens({ account: ACCOUNT, scopes: ['Calendars.Read'] });
      const reader = graphClient(emulator, readOnly.accessToken);
      await reader.api('/me/calendars').get();
      expect(await failure(reader.api('/me/events').post(eventBody('x', '2026-03-02T10:00:00', '2026-03-02T11:00:00')))).toMatchObject({
        statusCode: 403,
        code: 'ErrorAccessDenied',
      });
      emulator.controls.expireAccessTokens();
      expect(await failure(reader.api('/me/calendars').get())).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
      client = graphClient(emulator, emulator.controls.issueTokens({ account: ACCOUNT }).accessToken);
    });
  });

  describe('events', () => {
    it('de-duplicates creates by transactionId and keeps single-value extended properties (returned on $expand)', async () => {
      const calendarId = newCalendar();
      const body = eventBody('Job 7', '2026-03-02T10:00:00', '2026-03-02T11:00:00', {
        transactionId: 'calbridge-job-7-v1',
        singleValueExtendedProperties: [{ id: MARKER, value: 'job-7' }],
      });
      const first = await client.api(`/me/calendars/${calendarId}/events`).header('Prefer', IMMUTABLE).post(body);
      const retry = await client.api(`/me/calendars/${calendarId}/events`).header('Prefer', IMMUTABLE).post(body);
      expect(retry.id).toBe(first.id);
      expect(first).toMatchObject({ type: 'singleInstance', transactionId: 'calbridge-job-7-v1', showAs: 'busy', isCancelled: false, originalStartTimeZone: 'Europe/Berlin' });
      // Times come back in UTC unless Prefer: outlook.timezone asks otherwise.
      expect(first.start).toEqual({ dateTime: '2026-03-02T09:00:00.0000000', timeZone: 'UTC' });
      expect(first).not.toHaveProperty('singleValueExtendedProperties');
      expect((await client.api(`/me/calendars/${calendarId}/events`).get()).value).toHaveLength(1);

      const expanded = await client
        .api(`/me/events/${first.id}`)
        .header('Prefer', 'outlook.timezone="Europe/Berlin"')
        .expand(`singleValueExtendedProperties($filter=id eq '${MARKER}')`)
        .get();
      expect(expanded.singleValueExtendedProperties).toEqual([{ id: MARKER, value: 'job-7' }]);
      expect(expanded.start).toEqual({ dateTime: '2026-03-02T10:00:00.0000000', timeZone: 'Europe/Berlin' });
      const filtered = await client.api('/me/events').filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER}' and ep/value eq 'job-7')`).header('Prefer', IMMUTABLE).get();
      expect(filtered.value.map((e: Json) => e.id)).toEqual([first.id]);
    });

    it('updates with PATCH, deletes, and applies the all-day rules', async () => {
      const calendarId = newCalendar();
      const created = await client.api(`/me/calendars/${calendarId}/events`).post(eventBody('a', '2026-03-03T09:00:00', '2026-03-03T10:00:00'));
      const patched = await client.api(`/me/events/${created.id}`).patch({ showAs: 'free', subject: 'b' });
      expect(patched).toMatchObject({ showAs: 'free', subject: 'b' });
      expect(patched.changeKey).not.toBe(created.changeKey);
      await client.api(`/me/events/${created.id}`).delete();
      expect(await failure(client.api(`/me/events/${created.id}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });

      const notMidnight = await failure(
        client.api(`/me/calendars/${calendarId}/events`).post({ subject: 'x', isAllDay: true, start: berlin('2026-03-05T10:00:00'), end: berlin('2026-03-06T10:00:00') }),
      );
      expect(notMidnight.statusCode).toBe(400);
      const allDay = await client
        .api(`/me/calendars/${calendarId}/events`)
        .post({ subject: 'Holiday', isAllDay: true, start: berlin('2026-03-05T00:00:00'), end: berlin('2026-03-07T00:00:00') });
      expect(allDay).toMatchObject({ isAllDay: true, start: { dateTime: '2026-03-05T00:00:00.0000000' }, end: { dateTime: '2026-03-07T00:00:00.0000000' } });
    });

    it('keeps immutable ids stable when the user moves an event to another calendar (REST ids change)', async () => {
      const from = newCalendar();
      const to = newCalendar();
      const created = await client.api(`/me/calendars/${from}/events`).header('Prefer', IMMUTABLE).post(eventBody('m', '2026-03-04T09:00:00', '2026-03-04T10:00:00'));
      const rest = await client.api(`/me/events/${created.id}`).get();
      expect(rest.id).not.toBe(created.id);
      emulator.controls.user.moveEvent(ACCOUNT, created.id, to);
      expect((await client.api(`/me/events/${created.id}`).header('Prefer', IMMUTABLE).get()).id).toBe(created.id);
      expect(await failure(client.api(`/me/events/${rest.id}`).get())).toMatchObject({ statusCode: 404 });
      expect(await failure(client.api(`/me/calendars/${from}/events/${created.id}`).get())).toMatchObject({ statusCode: 404 });
    });
  });

  describe('calendarView delta', () => {
    it('pages with absolute https nextLinks, ends with a deltaLink, and reports changes and @removed entries', async () => {
      const calendarId = newCalendar();
      const window = { startDateTime: '2026-04-01T00:00:00Z', endDateTime: '2026-05-01T00:00:00Z' };
      const ids: string[] = [];
      for (let i = 1; i <= 5; i += 1) {
        const e = await client.api(`/me/calendars/${calendarId}/events`).header('Prefer', IMMUTABLE).post(eventBody(`e${i}`, `2026-04-0${i}T10:00:00`, `2026-04-0${i}T11:00:00`));
        ids.push(e.id);
      }
      await client.api(`/me/calendars/${calendarId}/events`).post(eventBody('outside', '2026-06-01T10:00:00', '2026-06-01T11:00:00'));

      const round = await deltaRound(
        client.api(`/me/calendars/${calendarId}/calendarView/delta`).query(window).header('Prefer', `odata.maxpagesize=2, ${IMMUTABLE}`).get(),
      );
      expect(round.pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
      for (const p of round.pages.slice(0, -1)) {
        expect(p['@odata.nextLink']).toMatch(new RegExp(`^${emulator.url}/v1\\.0/me/calendars/.+/calendarView/delta\\?\\$skiptoken=`));
        expect(p).not.toHaveProperty('@odata.deltaLink');
      }
      expect(round.deltaLink).toMatch(new RegExp(`^${emulator.url}/v1\\.0/.+\\$deltatoken=`));
      expect(round.items.map((e) => e.id).sort()).toEqual([...ids].sort());

      // Changes in Outlook: one moved, one deleted, one created outside the window.
      emulator.controls.user.updateEvent(ACCOUNT, ids[0], { start: berlin('2026-04-01T15:00:00'), end: berlin('2026-04-01T16:00:00') });
      emulator.controls.user.deleteEvent(ACCOUNT, ids[1]);
      const outside = emulator.controls.user.createEvent(ACCOUNT, eventBody('later', '2026-07-01T10:00:00', '2026-07-01T11:00:00'), { calendarId });

      const next = await deltaRound(client.api(round.deltaLink).header('Prefer', IMMUTABLE).get());
      expect(next.items).toHaveLength(3);
      expect(next.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: ids[0], start: { dateTime: '2026-04-01T13:00:00.0000000', timeZone: 'UTC' } }),
          { '@odata.type': '#microsoft.graph.event', id: ids[1], '@removed': { reason: 'deleted' } },
          { '@odata.type': '#microsoft.graph.event', id: outside.id, '@removed': { reason: 'deleted' } },
        ]),
      );
      const quiet = await deltaRound(client.api(next.deltaLink).get());
      expect(quiet.items).toEqual([]);

      // Unsupported options with delta.
      expect(await failure(client.api(`/me/calendars/${calendarId}/calendarView/delta`).query(window).expand('attachments').get())).toMatchObject({ statusCode: 400 });
    });

    it('answers 410 SyncStateNotFound (with a Location to restart) for an expired delta token', async () => {
      const calendarId = newCalendar();
      const window = { startDateTime: '2026-04-01T00:00:00Z', endDateTime: '2026-05-01T00:00:00Z' };
      const round = await deltaRound(client.api(`/me/calendars/${calendarId}/calendarView/delta`).query(window).get());
      expect(emulator.controls.expireDeltaTokens({ token: round.deltaLink })).toBe(1);
      const gone = await failure(client.api(round.deltaLink).get());
      expect(gone.statusCode).toBe(410);
      expect(gone.code.toLowerCase()).toBe('syncstatenotfound');
      expect(gone.headers?.get('location')).toContain('/calendarView/delta?startDateTime=2026-04-01T00:00:00Z');
    });

    it('expands series into occurrences, turns a modified occurrence into an exception and removes a deleted one', async () => {
      const calendarId = newCalendar();
      const master = await client
        .api(`/me/calendars/${calendarId}/events`)
        .header('Prefer', IMMUTABLE)
        .post(
          eventBody('Weekly', '2026-03-23T10:00:00', '2026-03-23T11:00:00', {
            recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'numbered', startDate: '2026-03-23', numberOfOccurrences: 3 } },
          }),
        );
      expect(master).toMatchObject({ type: 'seriesMaster', recurrence: { pattern: { type: 'weekly', daysOfWeek: ['monday'] } } });
      const window = { startDateTime: '2026-03-01T00:00:00Z', endDateTime: '2026-05-01T00:00:00Z' };
      const round = await deltaRound(
        client.api(`/me/calendars/${calendarId}/calendarView/delta`).query(window).header('Prefer', `${IMMUTABLE}, outlook.timezone="Europe/Berlin"`).get(),
      );
      expect(round.items.map((e) => [e.type, e.seriesMasterId, e.start.dateTime])).toEqual([
        ['occurrence', master.id, '2026-03-23T10:00:00.0000000'],
        ['occurrence', master.id, '2026-03-30T10:00:00.0000000'],
        ['occurrence', master.id, '2026-04-06T10:00:00.0000000'],
      ]);
      const [, second, third] = round.items;
      await client.api(`/me/events/${second.id}`).header('Prefer', IMMUTABLE).patch({ subject: 'Moved', start: berlin('2026-03-30T14:00:00'), end: berlin('2026-03-30T15:00:00') });
      await client.api(`/me/events/${third.id}`).delete();
      const next = await deltaRound(client.api(round.deltaLink).header('Prefer', IMMUTABLE).get());
      expect(next.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: second.id, type: 'exception', subject: 'Moved', seriesMasterId: master.id }),
          { '@odata.type': '#microsoft.graph.event', id: third.id, '@removed': { reason: 'deleted' } },
        ]),
      );
      const view = await client.api(`/me/calendars/${calendarId}/calendarView`).query(window).get();
      expect(view.value.map((e: Json) => e.type)).toEqual(['occurrence', 'exception']);
    });
  });

  describe('subscriptions and notifications', () => {
    const expiresIn = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

    it('validates the notification URL, then notifies changes with clientState until deleted', async () => {
      const calendarId = newCalendar();
      const subscription = await client.api('/subscriptions').header('Prefer', IMMUTABLE).post({
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiver.url}/webhooks/microsoft?tenant=t1`,
        lifecycleNotificationUrl: `${receiver.url}/webhooks/microsoft/lifecycle`,
        resource: `/me/calendars/${calendarId}/events`,
        expirationDateTime: expiresIn(60),
        clientState: 'client-state-secret',
      });
      expect(subscription).toMatchObject({ id: expect.any(String), clientState: 'client-state-secret', changeType: 'created,updated,deleted' });
      const validation = receiver.requests.find((r) => r.url.pathname === '/webhooks/microsoft' && r.url.searchParams.has('validationToken'));
      expect(validation).toBeDefined();
      expect(validation?.url.searchParams.get('tenant')).toBe('t1');
      expect(validation?.headers['content-type']).toMatch(/^text\/plain/);
      expect(receiver.requests.some((r) => r.url.pathname.endsWith('/lifecycle') && r.url.searchParams.has('validationToken'))).toBe(true);

      const created = emulator.controls.user.createEvent(ACCOUNT, eventBody('from Outlook', '2026-04-10T10:00:00', '2026-04-10T11:00:00'), { calendarId });
      const notification = await receiver.next((r) => r.body.includes(created.id) && r.body.includes('"created"'), 'created notification');
      const payload = JSON.parse(notification.body) as Json;
      expect(payload.value).toEqual([
        expect.objectContaining({
          subscriptionId: subscription.id,
          clientState: 'client-state-secret',
          changeType: 'created',
          tenantId: emulator.tenantId,
          subscriptionExpirationDateTime: expect.any(String),
          resource: expect.stringContaining(`/Events/${created.id}`),
          resourceData: expect.objectContaining({ id: created.id, '@odata.type': '#Microsoft.Graph.Event' }),
        }),
      ]);

      // Renewal (PATCH) within 4230 minutes; longer is refused.
      const renewed = await client.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: expiresIn(4200) });
      expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.now() + 4000 * 60_000);
      expect(await failure(client.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: expiresIn(4300) }))).toMatchObject({ statusCode: 400 });

      await client.api(`/subscriptions/${subscription.id}`).delete();
      const before = receiver.requests.length;
      emulator.controls.user.deleteEvent(ACCOUNT, created.id);
      await emulator.controls.notifications.settled();
      expect(receiver.requests.length).toBe(before);
      expect(await failure(client.api(`/subscriptions/${subscription.id}`).get())).toMatchObject({ statusCode: 404 });
    });

    it('refuses a subscription whose endpoint does not echo the validation token, or that lives too long', async () => {
      receiver.answer((r) => (r.url.searchParams.has('validationToken') ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'nope' } : undefined));
      try {
        const refused = await failure(
          client.api('/subscriptions').post({ changeType: 'created', notificationUrl: `${receiver.url}/bad`, resource: '/me/events', expirationDateTime: expiresIn(60), clientState: 's' }),
        );
        expect(refused).toMatchObject({ statusCode: 400, code: 'ValidationError' });
      } finally {
        receiver.answer(undefined);
      }
      const tooLong = await failure(
        client.api('/subscriptions').post({ changeType: 'created', notificationUrl: `${receiver.url}/ok`, resource: '/me/events', expirationDateTime: expiresIn(4231), clientState: 's' }),
      );
      expect(tooLong.statusCode).toBe(400);
      expect(emulator.controls.subscriptions().filter((s) => s.notificationUrl.endsWith('/bad') || s.notificationUrl.endsWith('/ok'))).toEqual([]);
    });

    it('sends lifecycle notifications (reauthorizationRequired, missed, subscriptionRemoved) and can drop a change notification', async () => {
      const subscription = await client.api('/subscriptions').post({
        changeType: 'updated',
        notificationUrl: `${receiver.url}/hooks/changes`,
        lifecycleNotificationUrl: `${receiver.url}/hooks/lifecycle`,
        resource: 'me/events',
        expirationDateTime: expiresIn(120),
        clientState: 'lc',
      });
      for (const event of ['reauthorizationRequired', 'missed'] as const) {
        emulator.controls.sendLifecycleNotification(subscription.id, event);
        const got = await receiver.next((r) => r.url.pathname === '/hooks/lifecycle' && r.body.includes(event), event);
        expect(JSON.parse(got.body).value[0]).toMatchObject({ subscriptionId: subscription.id, lifecycleEvent: event, clientState: 'lc', tenantId: emulator.tenantId });
      }
      expect(emulator.controls.subscriptions().find((s) => s.id === subscription.id)?.reauthorizationRequired).toBe(true);
      await client.api(`/subscriptions/${subscription.id}/reauthorize`).post({});
      expect(emulator.controls.subscriptions().find((s) => s.id === subscription.id)?.reauthorizationRequired).toBe(false);

      const event = emulator.controls.user.createEvent(ACCOUNT, eventBody('x', '2026-04-11T10:00:00', '2026-04-11T11:00:00'));
      emulator.controls.dropNextNotifications(1);
      emulator.controls.user.updateEvent(ACCOUNT, event.id, { subject: 'first change' });
      emulator.controls.user.updateEvent(ACCOUNT, event.id, { subject: 'second change' });
      await emulator.controls.notifications.settled();
      const changes = receiver.requests.filter((r) => r.url.pathname === '/hooks/changes' && !r.url.searchParams.has('validationToken'));
      expect(changes).toHaveLength(1);

      emulator.controls.sendLifecycleNotification(subscription.id, 'subscriptionRemoved');
      await receiver.next((r) => r.body.includes('subscriptionRemoved'), 'subscriptionRemoved');
      expect(emulator.controls.subscriptions().some((s) => s.id === subscription.id)).toBe(false);
    });
  });

  describe('time', () => {
    it('drops subscriptions that were not renewed before their expiration (emulator clock)', async () => {
      const clock = manualClock(Date.parse('2026-03-01T08:00:00Z'));
      const timed = await startMicrosoftEmulator({ clock: clock.now, accounts: [{ email: ACCOUNT }] });
      try {
        const graph = graphClient(timed, timed.controls.issueTokens({ account: ACCOUNT }).accessToken);
        const sub = await graph.api('/subscriptions').post({
          changeType: 'created',
          notificationUrl: `${receiver.url}/timed`,
          resource: 'me/events',
          expirationDateTime: new Date(clock.now() + 10 * 60_000).toISOString(),
          clientState: 't',
        });
        clock.advance(11 * 60_000);
        timed.controls.user.createEvent(ACCOUNT, eventBody('late', '2026-03-02T10:00:00', '2026-03-02T11:00:00'));
        await timed.controls.notifications.settled();
        expect(receiver.requests.filter((r) => r.url.pathname === '/timed' && !r.url.searchParams.has('validationToken'))).toEqual([]);
        expect(await failure(graph.api(`/subscriptions/${sub.id}`).get())).toMatchObject({ statusCode: 404 });
      } finally {
        await timed.stop();
      }
    });
  });

  describe('throttling and counters', () => {
    it('answers 429 with Retry-After; the SDK retries three times, then surfaces the 429', async () => {
      emulator.controls.resetStats();
      emulator.controls.throttle(2, { retryAfterSeconds: 0 });
      await client.api('/me/calendars').get(); // two 429s absorbed by the SDK's RetryHandler
      emulator.controls.throttle(4, { retryAfterSeconds: 0 });
      const throttled = await failure(client.api('/me/calendars').get());
      expect(throttled).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
      expect(throttled.headers?.get('retry-after')).toBe('0');
      expect(emulator.controls.stats().byRoute['GET /v1.0/me/calendars']).toBe(7);
      expect(emulator.controls.requests().filter((r) => r.fault === 'throttle')).toHaveLength(6);
    });
  });
  describe('online meetings', () => {
    it('an event asking for a Teams meeting gets onlineMeeting.joinUrl; it stays a meeting; a calendar without Teams creates none', async () => {
      const calendarId = newCalendar();
      const calendar = await client.api(`/me/calendars/${calendarId}`).get();
      expect(calendar).toMatchObject({ allowedOnlineMeetingProviders: ['teamsForBusiness'], defaultOnlineMeetingProvider: 'teamsForBusiness' });
      const created = await client
        .api(`/me/calendars/${calendarId}/events`)
        .post(eventBody('Consultation', '2026-03-03T10:00:00', '2026-03-03T11:00:00', { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }));
      expect(created).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
      expect(created.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
      const plain = await client.api(`/me/calendars/${calendarId}/events`).post(eventBody('Plain', '2026-03-03T12:00:00', '2026-03-03T13:00:00'));
      expect(plain).toMatchObject({ isOnlineMeeting: false, onlineMeetingProvider: 'unknown', onlineMeeting: null });

      // Later writes (with or without the flag) keep the same meeting.
      const moved = await client.api(`/me/events/${created.id}`).patch({ subject: 'Consultation (moved)', start: berlin('2026-03-04T10:00:00'), end: berlin('2026-03-04T11:00:00') });
      expect(moved.onlineMeeting.joinUrl).toBe(created.onlineMeeting.joinUrl);
      const again = await client.api(`/me/events/${created.id}`).patch({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
      expect(again.onlineMeeting.joinUrl).toBe(created.onlineMeeting.joinUrl);
      expect((await client.api(`/me/events/${created.id}`).get()).onlineMeeting.joinUrl).toBe(created.onlineMeeting.joinUrl);

      const noTeams = newCalendar();
      emulator.controls.setOnlineMeetingProviders(noTeams, []);
      expect(await client.api(`/me/calendars/${noTeams}`).get()).toMatchObject({ allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: 'unknown' });
      const refused = await client
        .api(`/me/calendars/${noTeams}/events`)
        .post(eventBody('No Teams here', '2026-03-03T10:00:00', '2026-03-03T11:00:00', { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }));
      expect(refused).toMatchObject({ isOnlineMeeting: false, onlineMeeting: null });
    });
  });
});
