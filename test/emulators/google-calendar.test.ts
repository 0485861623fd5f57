import { createHash, randomBytes } from 'node:crypto';
import { manualClock, RunningGoogleEmulator, startGoogleEmulator } from '../../apps/emulators/src';
import { authorize, googleClients, startWebhookReceiver, WebhookReceiver } from '../support/emulators';

/**
 * The Google Calendar v3 emulator through the official googleapis client (calendar v3 + the
 * google-auth-library OAuth2 client with custom endpoints), against the documented contracts.
 */

const ACCOUNT = 'alice@example.com';
const SCOPES = ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.calendarlist.readonly'];

interface GaxiosLikeError {
  status?: number;
  response?: { status: number; headers: Headers | Record<string, string>; data: { error?: { code: number; errors: Array<{ reason: string }> } | string; error_description?: string } };
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; reason?: string; data: unknown }> {
  try {
    await promise;
  } catch (e) {
    const err = e as GaxiosLikeError;
    const data = err.response?.data;
    const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : typeof data?.error === 'string' ? data.error : undefined;
    return { status: err.status ?? err.response?.status ?? 0, reason, data };
  }
  throw new Error('expected the call to fail');
}

const berlin = (local: string) => ({ dateTime: local, timeZone: 'Europe/Berlin' });

describe('Google Calendar emulator (googleapis)', () => {
  let emulator: RunningGoogleEmulator;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ accounts: [{ email: ACCOUNT, displayName: 'Alice', timeZone: 'Europe/Berlin' }] });
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await emulator?.stop();
    await receiver?.stop();
  });

  /** A fresh calendar per test keeps sync tokens and notifications independent. */
  function freshCalendar(): { calendarId: string; calendar: ReturnType<typeof googleClients>['calendar']; tokens: { accessToken: string; refreshToken: string } } {
    const calendarId = emulator.controls.addCalendar(ACCOUNT, { summary: `cal-${randomBytes(3).toString('hex')}`, timeZone: 'Europe/Berlin' });
    const tokens = emulator.controls.issueTokens({ account: ACCOUNT, scopes: SCOPES });
    // With expiry_date known, google-auth-library does not treat a 403 (rate limit) as an expired token.
    const { calendar } = googleClients(emulator, {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expiry_date: Date.now() + tokens.expiresIn * 1000,
    });
    return { calendarId, calendar, tokens };
  }

  describe('OAuth 2.0 (authorization code + PKCE, refresh, revocation)', () => {
    it('runs the code flow with S256 PKCE and state, then calls the API', async () => {
      const { auth } = googleClients(emulator);
      const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
      const url = auth.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: SCOPES,
        state: 'signed-state-123',
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as never,
        login_hint: ACCOUNT,
      });
      const back = await authorize(url);
      expect(back.get('state')).toBe('signed-state-123');
      const code = back.get('code') as string;

      // A verifier differing in its last character (one that ends in "x" already gets a "y").
      const wrong = await failure(auth.getToken({ code, codeVerifier: `${codeVerifier.slice(0, -1)}${codeVerifier.endsWith('x') ? 'y' : 'x'}` }));
      expect(wrong).toMatchObject({ status: 400, reason: 'invalid_grant' });

      const back2 = await authorize(url);
      const { tokens } = await auth.getToken({ code: back2.get('code') as string, codeVerifier });
      expect(tokens.refresh_token).toBeTruthy();
      expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(SCOPES));
      auth.setCredentials(tokens);
      const { calendar } = googleClients(emulator, tokens);
      const list = await calendar.calendarList.list();
      expect(list.data.items?.find((c) => c.primary)?.id).toBe(ACCOUNT);

      // A code is single-use.
      expect(await failure(auth.getToken({ code: back2.get('code') as string, codeVerifier }))).toMatchObject({ status: 400, reason: 'invalid_grant' });
    });

    it('refuses an authorization request without PKCE and an unknown client', async () => {
      const { auth } = googleClients(emulator);
      const back = await authorize(auth.generateAuthUrl({ access_type: 'offline', scope: SCOPES, state: 's' }));
      expect(back.get('error')).toBe('invalid_request');
      expect(back.get('state')).toBe('s');
      const res = await fetch(`${emulator.endpoints.authorizeUrl}?client_id=nope&redirect_uri=http://127.0.0.1/cb&response_type=code&scope=x`, { redirect: 'manual' });
      expect(res.status).toBe(401);
    });

    it('refreshes an expired access token by itself, and answers invalid_grant once the grant is revoked', async () => {
      const tokens = emulator.controls.issueTokens({ account: ACCOUNT, scopes: SCOPES });
      // Stored tokens without expiry_date: a 401 makes google-auth-library refresh and retry once.
      const { calendar } = googleClients(emulator, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken });
      emulator.controls.expireAccessTokens();
      const before = emulator.controls.stats().byRoute['POST /token'] ?? 0;
      // 401 from the API -> google-auth-library refreshes and retries once.
      await calendar.calendarList.list();
      expect(emulator.controls.stats().byRoute['POST /token']).toBe(before + 1);

      expect(emulator.controls.revokeGrant({ refreshToken: tokens.refreshToken })).toBe(1);
      const { auth } = googleClients(emulator, { refresh_token: tokens.refreshToken });
      const refused = await failure(auth.refreshAccessToken());
      expect(refused.status).toBe(400);
      expect(refused.reason).toBe('invalid_grant');
      expect(await failure(googleClients(emulator, { access_token: tokens.accessToken }).calendar.calendarList.list())).toMatchObject({ status: 401 });
    });

    it('checks scopes: calendar.events alone cannot read the calendar list', async () => {
      const tokens = emulator.controls.issueTokens({ account: ACCOUNT, scopes: ['https://www.googleapis.com/auth/calendar.events'] });
      const { calendar } = googleClients(emulator, { access_token: tokens.accessToken });
      expect(await failure(calendar.calendarList.list())).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
      await calendar.events.list({ calendarId: 'primary' });
    });
  });

  describe('events', () => {
    it('inserts with a client-chosen base32hex id and answers 409 duplicate on a second insert', async () => {
      const { calendarId, calendar } = freshCalendar();
      const id = createHash('sha256').update('job-1').digest('hex').replace(/[w-z]/g, 'a').slice(0, 32);
      const body = { id, summary: 'Job', start: berlin('2026-03-02T10:00:00'), end: berlin('2026-03-02T11:00:00') };
      const inserted = await calendar.events.insert({ calendarId, requestBody: body });
      expect(inserted.data).toMatchObject({ id, status: 'confirmed', start: { dateTime: '2026-03-02T10:00:00+01:00', timeZone: 'Europe/Berlin' } });
      expect(inserted.data).not.toHaveProperty('transparency');
      expect(await failure(calendar.events.insert({ calendarId, requestBody: body }))).toMatchObject({ status: 409, reason: 'duplicate' });
      expect(await failure(calendar.events.insert({ calendarId, requestBody: { ...body, id: 'NOT-base32' } }))).toMatchObject({ status: 400, reason: 'invalid' });
      // Deleted ids stay taken.
      await calendar.events.delete({ calendarId, eventId: id });
      expect(await failure(calendar.events.insert({ calendarId, requestBody: body }))).toMatchObject({ status: 409, reason: 'duplicate' });
    });

    it('keeps transparency, attendees with self, and private extended properties', async () => {
      const { calendarId, calendar } = freshCalendar();
      const created = await calendar.events.insert({
        calendarId,
        requestBody: {
          summary: 'Free time',
          transparency: 'transparent',
          start: { date: '2026-03-10' },
          end: { date: '2026-03-11' },
          attendees: [{ email: ACCOUNT, responseStatus: 'declined' }, { email: 'bob@example.com' }],
          extendedProperties: { private: { calbridgeJobId: 'job-7', other: 'x' } },
        },
      });
      expect(created.data.transparency).toBe('transparent');
      expect(created.data.start).toEqual({ date: '2026-03-10' });
      expect(created.data.attendees).toEqual([
        expect.objectContaining({ email: ACCOUNT, responseStatus: 'declined', self: true }),
        expect.objectContaining({ email: 'bob@example.com', responseStatus: 'needsAction' }),
      ]);
      const found = await calendar.events.list({ calendarId, privateExtendedProperty: ['calbridgeJobId=job-7'] });
      expect(found.data.items?.map((e) => e.id)).toEqual([created.data.id]);
      // Patch merges nested maps; null removes a key.
      const patched = await calendar.events.patch({
        calendarId,
        eventId: created.data.id as string,
        requestBody: { extendedProperties: { private: { other: null as unknown as string, added: 'y' } } },
      });
      expect(patched.data.extendedProperties?.private).toEqual({ calbridgeJobId: 'job-7', added: 'y' });
    });

    it('honours If-Match (412 on a stale etag) and answers 410 when deleting twice', async () => {
      const { calendarId, calendar } = freshCalendar();
      const created = await calendar.events.insert({ calendarId, requestBody: { summary: 'a', start: berlin('2026-03-03T09:00:00'), end: berlin('2026-03-03T10:00:00') } });
      const eventId = created.data.id as string;
      emulator.controls.user.updateEvent(calendarId, eventId, { summary: 'changed in Google' });
      const stale = await failure(
        calendar.events.patch({ calendarId, eventId, requestBody: { summary: 'mine' } }, { headers: { 'If-Match': created.data.etag as string } }),
      );
      expect(stale).toMatchObject({ status: 412, reason: 'conditionNotMet' });
      const current = await calendar.events.get({ calendarId, eventId });
      const ok = await calendar.events.update(
        { calendarId, eventId, requestBody: { summary: 'mine', start: berlin('2026-03-03T09:30:00'), end: berlin('2026-03-03T10:30:00') } },
        { headers: { 'If-Match': current.data.etag as string } },
      );
      expect(ok.data.summary).toBe('mine');
      expect(ok.data.sequence).toBe(1);
      await calendar.events.delete({ calendarId, eventId });
      expect(await failure(calendar.events.delete({ calendarId, eventId }))).toMatchObject({ status: 410, reason: 'deleted' });
      expect((await calendar.events.get({ calendarId, eventId })).data.status).toBe('cancelled');
      expect(await failure(calendar.events.get({ calendarId, eventId: 'unknown00001' }))).toMatchObject({ status: 404, reason: 'notFound' });
    });
  });

  describe('list and incremental sync', () => {
    it('pages with pageToken (nextSyncToken only on the last page), then syncs changes with tombstones', async () => {
      const { calendarId, calendar } = freshCalendar();
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const e = await calendar.events.insert({
          calendarId,
          requestBody: { summary: `e${i}`, start: berlin(`2026-04-0${i + 1}T10:00:00`), end: berlin(`2026-04-0${i + 1}T11:00:00`) },
        });
        ids.push(e.data.id as string);
      }
      const pages: Array<{ count: number; nextPageToken?: string | null; nextSyncToken?: string | null }> = [];
      let pageToken: string | undefined;
      let syncToken: string | undefined;
      do {
        const res = await calendar.events.list({ calendarId, maxResults: 3, pageToken });
        pages.push({ count: res.data.items?.length ?? 0, nextPageToken: res.data.nextPageToken, nextSyncToken: res.data.nextSyncToken });
        pageToken = res.data.nextPageToken ?? undefined;
        syncToken = res.data.nextSyncToken ?? syncToken;
      } while (pageToken);
      expect(pages.map((p) => p.count)).toEqual([3, 3, 1]);
      expect(pages.slice(0, 2).every((p) => p.nextPageToken && !p.nextSyncToken)).toBe(true);
      expect(pages[2].nextSyncToken).toBeTruthy();
      expect(pages[2].nextPageToken).toBeFalsy();

      // Default page size is 250.
      expect((await calendar.events.list({ calendarId })).data.items).toHaveLength(7);

      // Changes "in Google": one edited, one deleted, one created; one through the API.
      emulator.controls.user.updateEvent(calendarId, ids[0], { summary: 'moved', start: berlin('2026-04-01T12:00:00'), end: berlin('2026-04-01T13:00:00') });
      emulator.controls.user.deleteEvent(calendarId, ids[1]);
      const added = emulator.controls.user.createEvent(calendarId, { summary: 'new', start: berlin('2026-04-20T10:00:00'), end: berlin('2026-04-20T11:00:00') });
      const sync = await calendar.events.list({ calendarId, syncToken });
      const items = sync.data.items ?? [];
      expect(items.map((e) => e.id)).toEqual([ids[0], ids[1], added.id]);
      expect(items[0]).toMatchObject({ summary: 'moved', start: { dateTime: '2026-04-01T12:00:00+02:00' } });
      // A deleted event comes back as a tombstone that may carry only its id.
      expect(items[1]).toEqual({ kind: 'calendar#event', etag: expect.any(String), id: ids[1], status: 'cancelled' });
      expect(sync.data.nextSyncToken).toBeTruthy();

      // Nothing changed since: no items, same token.
      const again = await calendar.events.list({ calendarId, syncToken: sync.data.nextSyncToken as string });
      expect(again.data.items).toEqual([]);
      expect(again.data.nextSyncToken).toBe(sync.data.nextSyncToken);
    });

    it('rejects parameters that cannot go with a syncToken (400) and expired tokens (410 fullSyncRequired)', async () => {
      const { calendarId, calendar } = freshCalendar();
      const syncToken = (await calendar.events.list({ calendarId })).data.nextSyncToken as string;
      const forbidden: Record<string, unknown> = {
        iCalUID: 'x@google.com',
        orderBy: 'updated',
        privateExtendedProperty: ['a=b'],
        q: 'text',
        sharedExtendedProperty: ['a=b'],
        timeMin: '2026-01-01T00:00:00Z',
        timeMax: '2027-01-01T00:00:00Z',
        updatedMin: '2026-01-01T00:00:00Z',
      };
      for (const [name, value] of Object.entries(forbidden)) {
        const res = await failure(calendar.events.list({ calendarId, syncToken, [name]: value }));
        expect({ name, status: res.status, reason: res.reason }).toEqual({ name, status: 400, reason: 'syncTokenWithRequestRestrictions' });
      }
      expect(await failure(calendar.events.list({ calendarId, syncToken, showDeleted: false }))).toMatchObject({ status: 400 });
      await calendar.events.list({ calendarId, syncToken, showDeleted: true, singleEvents: true });

      emulator.controls.expireSyncTokens(calendarId);
      expect(await failure(calendar.events.list({ calendarId, syncToken }))).toMatchObject({ status: 410, reason: 'fullSyncRequired' });
      // A full sync gives a fresh, working token.
      const fresh = (await calendar.events.list({ calendarId })).data.nextSyncToken as string;
      await calendar.events.list({ calendarId, syncToken: fresh });
    });

    it('expands recurring events (singleEvents) in the event zone across DST, with exceptions and cancelled instances', async () => {
      const { calendarId, calendar } = freshCalendar();
      const series = await calendar.events.insert({
        calendarId,
        requestBody: {
          summary: 'Weekly',
          start: berlin('2026-03-23T10:00:00'),
          end: berlin('2026-03-23T11:00:00'),
          recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        },
      });
      const full = await calendar.events.list({ calendarId, singleEvents: true, orderBy: 'startTime' });
      const instances = full.data.items ?? [];
      // 10:00 Berlin before and after the switch to summer time on 2026-03-29.
      expect(instances.map((e) => e.start?.dateTime)).toEqual([
        '2026-03-23T10:00:00+01:00',
        '2026-03-30T10:00:00+02:00',
        '2026-04-06T10:00:00+02:00',
        '2026-04-13T10:00:00+02:00',
      ]);
      expect(instances[1]).toMatchObject({ recurringEventId: series.data.id, originalStartTime: { dateTime: '2026-03-30T10:00:00+02:00', timeZone: 'Europe/Berlin' } });
      expect(instances[1].id).toBe(`${series.data.id}_20260330T080000Z`);
      const syncToken = full.data.nextSyncToken as string;

      // The user moves one instance and deletes another in Google Calendar.
      emulator.controls.user.updateEvent(calendarId, instances[1].id as string, { start: berlin('2026-03-30T14:00:00'), end: berlin('2026-03-30T15:00:00') });
      emulator.controls.user.deleteEvent(calendarId, instances[2].id as string);

      const changes = (await calendar.events.list({ calendarId, syncToken, singleEvents: true })).data.items ?? [];
      expect(changes).toHaveLength(2);
      expect(changes[0]).toMatchObject({ id: instances[1].id, status: 'confirmed', start: { dateTime: '2026-03-30T14:00:00+02:00' }, recurringEventId: series.data.id });
      expect(changes[1]).toEqual({
        kind: 'calendar#event',
        etag: expect.any(String),
        id: instances[2].id,
        status: 'cancelled',
        recurringEventId: series.data.id,
        originalStartTime: { dateTime: '2026-04-06T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      });
      const after = (await calendar.events.list({ calendarId, singleEvents: true, orderBy: 'startTime' })).data.items ?? [];
      expect(after.map((e) => e.start?.dateTime)).toEqual(['2026-03-23T10:00:00+01:00', '2026-03-30T14:00:00+02:00', '2026-04-13T10:00:00+02:00']);
      // Without singleEvents: the series plus its exceptions (cancelled ones included).
      const masters = (await calendar.events.list({ calendarId })).data.items ?? [];
      expect(masters.map((e) => [e.id, e.status])).toEqual([
        [series.data.id, 'confirmed'],
        [instances[1].id, 'confirmed'],
        [instances[2].id, 'cancelled'],
      ]);
    });
  });

  describe('push notifications (events.watch, channels.stop)', () => {
    it('posts header-only sync and exists notifications to the channel address until stopped', async () => {
      const { calendarId, calendar } = freshCalendar();
      const channelId = `chan-${randomBytes(4).toString('hex')}`;
      const watch = await calendar.events.watch({
        calendarId,
        requestBody: { id: channelId, type: 'web_hook', address: `${receiver.url}/webhooks/google`, token: 'chan-token-1', params: { ttl: '3600' } },
      });
      expect(watch.data).toMatchObject({ kind: 'api#channel', id: channelId, token: 'chan-token-1', resourceId: expect.any(String) });
      expect(Number(watch.data.expiration)).toBeGreaterThan(Date.now());
      const mine = (n: string) => (r: { headers: Record<string, string> }) => r.headers['x-goog-channel-id'] === channelId && r.headers['x-goog-message-number'] === n;

      const sync = await receiver.next(mine('1'), 'sync notification');
      expect(sync.method).toBe('POST');
      expect(sync.url.pathname).toBe('/webhooks/google');
      expect(sync.body).toBe('');
      expect(sync.headers).toMatchObject({
        'x-goog-channel-id': channelId,
        'x-goog-channel-token': 'chan-token-1',
        'x-goog-resource-id': watch.data.resourceId,
        'x-goog-resource-state': 'sync',
        'x-goog-resource-uri': expect.stringContaining(`/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`),
        'x-goog-channel-expiration': new Date(Number(watch.data.expiration)).toUTCString(),
      });

      emulator.controls.user.createEvent(calendarId, { summary: 'x', start: berlin('2026-05-01T10:00:00'), end: berlin('2026-05-01T11:00:00') });
      const exists = await receiver.next(mine('2'), 'exists notification');
      expect(exists.headers['x-goog-resource-state']).toBe('exists');

      // A dropped notification never arrives; the next change still does.
      emulator.controls.dropNextNotifications(1);
      emulator.controls.user.createEvent(calendarId, { summary: 'y', start: berlin('2026-05-02T10:00:00'), end: berlin('2026-05-02T11:00:00') });
      emulator.controls.user.createEvent(calendarId, { summary: 'z', start: berlin('2026-05-03T10:00:00'), end: berlin('2026-05-03T11:00:00') });
      await receiver.next(mine('4'), 'notification after the dropped one');
      expect(receiver.requests.filter(mine('3'))).toEqual([]);
      expect(emulator.controls.notifications.records().filter((r) => r.state === 'dropped')).toHaveLength(1);

      await calendar.channels.stop({ requestBody: { id: channelId, resourceId: watch.data.resourceId } });
      const before = receiver.requests.length;
      await calendar.events.insert({ calendarId, requestBody: { summary: 'after stop', start: berlin('2026-05-04T10:00:00'), end: berlin('2026-05-04T11:00:00') } });
      await emulator.controls.notifications.settled();
      expect(receiver.requests.length).toBe(before);
      expect(await failure(calendar.channels.stop({ requestBody: { id: channelId, resourceId: watch.data.resourceId } }))).toMatchObject({ status: 404 });
    });
  });

  describe('time and consent', () => {
    it('expires access tokens and channels by the emulator clock', async () => {
      const clock = manualClock(Date.parse('2026-03-01T08:00:00Z'));
      const timed = await startGoogleEmulator({ clock: clock.now, accessTokenTtlSeconds: 600, accounts: [{ email: ACCOUNT }] });
      try {
        const tokens = timed.controls.issueTokens({ account: ACCOUNT, scopes: SCOPES });
        const { calendar } = googleClients(timed, { access_token: tokens.accessToken, expiry_date: Date.now() + 3_600_000 });
        const watch = await calendar.events.watch({
          calendarId: 'primary',
          requestBody: { id: 'short-lived', type: 'web_hook', address: `${receiver.url}/short`, params: { ttl: '60' } },
        });
        expect(Number(watch.data.expiration)).toBe(clock.now() + 60_000);
        await timed.controls.notifications.settled();
        clock.advance(61_000);
        timed.controls.user.createEvent(ACCOUNT, { summary: 'late', start: { date: '2026-03-02' }, end: { date: '2026-03-03' } });
        await timed.controls.notifications.settled();
        expect(receiver.requests.filter((r) => r.url.pathname === '/short').map((r) => r.headers['x-goog-resource-state'])).toEqual(['sync']);
        clock.advance(600_000);
        expect(await failure(calendar.calendarList.list())).toMatchObject({ status: 401 });
      } finally {
        await timed.stop();
      }
    });

    it('shows browsers an account picker when consentPage is on, and redirects once an account is chosen', async () => {
      const interactive = await startGoogleEmulator({ consentPage: true, accounts: [{ email: ACCOUNT }, { email: 'bob@example.com' }] });
      try {
        const { auth } = googleClients(interactive);
        const { codeChallenge } = await auth.generateCodeVerifierAsync();
        const url = auth.generateAuthUrl({ access_type: 'offline', scope: SCOPES, state: 'st', code_challenge: codeChallenge, code_challenge_method: 'S256' as never });
        const page = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' });
        expect(page.status).toBe(200);
        const html = await page.text();
        expect(html).toContain('bob@example.com');
        const back = await authorize(`${url}&emulator_consent=allow&emulator_account=bob%40example.com`);
        expect(back.get('code')).toBeTruthy();
        const denied = await authorize(`${url}&emulator_consent=deny`);
        expect(denied.get('error')).toBe('access_denied');
      } finally {
        await interactive.stop();
      }
    });
  });

  describe('faults and counters', () => {
    it('answers rate limits as 403/429 rateLimitExceeded and 5xx backendError, and counts requests per route', async () => {
      const { calendarId, calendar } = freshCalendar();
      emulator.controls.resetStats();
      const body = { summary: 'x', start: berlin('2026-06-01T10:00:00'), end: berlin('2026-06-01T11:00:00') };
      emulator.controls.throttle(1);
      expect(await failure(calendar.events.insert({ calendarId, requestBody: body }))).toMatchObject({ status: 403, reason: 'rateLimitExceeded' });
      emulator.controls.throttle(1, { status: 429 });
      expect(await failure(calendar.events.insert({ calendarId, requestBody: body }))).toMatchObject({ status: 429, reason: 'rateLimitExceeded' });
      emulator.controls.fail(1, { status: 503 });
      expect(await failure(calendar.events.insert({ calendarId, requestBody: body }))).toMatchObject({ status: 503, reason: 'backendError' });
      await calendar.events.insert({ calendarId, requestBody: body });
      expect(emulator.controls.stats().byRoute).toEqual({ 'POST /calendar/v3/calendars/:calendarId/events': 4 });
      expect(emulator.controls.requests().map((r) => r.fault ?? r.status)).toEqual(['throttle', 'throttle', 'fail', 200]);
    });

    it('offers the same switches over HTTP under /__emulator', async () => {
      const { calendarId, calendar } = freshCalendar();
      const post = (path: string, body: unknown) =>
        fetch(`${emulator.url}/__emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/faults/throttle', { count: 1, status: 429 })).status).toBe(200);
      expect(await failure(calendar.events.insert({ calendarId, requestBody: { start: { date: '2026-01-01' }, end: { date: '2026-01-02' } } }))).toMatchObject({ status: 429 });
      const created = (await (await post(`/calendars/${encodeURIComponent(calendarId)}/events`, { summary: 'via HTTP', start: { date: '2026-01-05' }, end: { date: '2026-01-06' } })).json()) as { id: string };
      expect((await calendar.events.get({ calendarId, eventId: created.id })).data.summary).toBe('via HTTP');
      const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { total: number };
      expect(stats.total).toBeGreaterThan(0);
    });
  });
  describe('conference data (conferenceDataVersion, createRequest)', () => {
    const meet = (requestId: string) => ({ createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } });
    const times = { start: berlin('2026-03-05T10:00:00'), end: berlin('2026-03-05T11:00:00') };

    it('creates a Meet conference: pending in the answer, success with entry points and hangoutLink on the next read; the same requestId is ignored', async () => {
      const { calendarId, calendar } = freshCalendar();
      const inserted = (await calendar.events.insert({ calendarId, conferenceDataVersion: 1, requestBody: { summary: 'Call', ...times, conferenceData: meet('req-1') } })).data;
      expect(inserted.conferenceData?.createRequest?.status?.statusCode).toBe('pending');
      expect(inserted.hangoutLink).toBeUndefined();
      const read = (await calendar.events.get({ calendarId, eventId: inserted.id! })).data;
      expect(read.conferenceData?.createRequest?.status?.statusCode).toBe('success');
      const video = read.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video');
      expect(video?.uri).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
      expect(read.hangoutLink).toBe(video?.uri);
      expect(read.conferenceData?.conferenceSolution?.key?.type).toBe('hangoutsMeet');

      // The same request again (a retried update) changes nothing; version 0 keeps the conference on a full update.
      const repeated = (await calendar.events.update({ calendarId, eventId: inserted.id!, conferenceDataVersion: 1, requestBody: { summary: 'Call 2', ...times, conferenceData: meet('req-1') } })).data;
      expect(repeated.hangoutLink).toBe(video?.uri);
      const v0 = (await calendar.events.update({ calendarId, eventId: inserted.id!, requestBody: { summary: 'Call 3', ...times } })).data;
      expect(v0.hangoutLink).toBe(video?.uri);
      // Version 1 and a full update without conferenceData removes it.
      const removed = (await calendar.events.update({ calendarId, eventId: inserted.id!, conferenceDataVersion: 1, requestBody: { summary: 'Call 4', ...times } })).data;
      expect(removed.conferenceData).toBeUndefined();
      expect(removed.hangoutLink).toBeUndefined();
    });

    it('ignores conferenceData without conferenceDataVersion=1, answers failure for an account that cannot create Meet conferences, and rejects unknown types', async () => {
      const { calendarId, calendar } = freshCalendar();
      const ignored = (await calendar.events.insert({ calendarId, requestBody: { summary: 'v0', ...times, conferenceData: meet('req-2') } })).data;
      expect(ignored.conferenceData).toBeUndefined();
      emulator.controls.setConferencing(ACCOUNT, { mode: 'failure' });
      try {
        const failed = (await calendar.events.insert({ calendarId, conferenceDataVersion: 1, requestBody: { summary: 'no meet', ...times, conferenceData: meet('req-3') } })).data;
        expect(failed.conferenceData?.createRequest?.status?.statusCode).toBe('failure');
        expect(failed.conferenceData?.entryPoints).toBeUndefined();
        expect((await calendar.events.get({ calendarId, eventId: failed.id! })).data.hangoutLink).toBeUndefined();
      } finally {
        emulator.controls.setConferencing(ACCOUNT, { mode: 'pending' });
      }
      const bad = await failure(
        calendar.events.insert({ calendarId, conferenceDataVersion: 1, requestBody: { summary: 'bad', ...times, conferenceData: { createRequest: { requestId: 'r', conferenceSolutionKey: { type: 'zoom' } } } } }),
      );
      expect(bad).toMatchObject({ status: 400, reason: 'invalid' });
    });
  });
});
