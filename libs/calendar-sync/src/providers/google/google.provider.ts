import { Injectable } from '@nestjs/common';
import { Auth, calendar_v3 } from 'googleapis';
import { randomUUID } from 'node:crypto';
import type {
  AccountContext,
  AuthorizationRequest,
  CalendarProvider,
  CalendarRef,
  ConnectedAccount,
  ConnectInput,
  InventoryItem,
  OutboundEvent,
  PullRequest,
  PullResult,
  PushedEventRef,
  PushTarget,
  RemoteCalendar,
  RemoteEvent,
  UpsertResult,
  WatchChannel,
  WatchRequest,
} from '../calendar-provider';
import { connectingAccount, idTokenClaims, OAuthCredentials, OAuthSession } from '../oauth-session';
import { ProviderError } from '../provider-error';
import { GoogleClientFactory } from './google-client.factory';
import { classifyGoogleError, googleStatusOf } from './google-errors';
import { carriesContent, GOOGLE_MARKER, googleMeetingOf, interpretGoogleEvent, interpretGoogleSeries, sortGoogleItems, toGoogleEvent } from './google-events';

/**
 * What calbridge asks for: its own events written and read (`calendar.events`), the calendar
 * list and the events of other calendars read (`calendar.readonly`), who the account is
 * (`openid email`). https://developers.google.com/calendar/api/auth
 */
export const GOOGLE_SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly'];
const CALENDAR_WRITE = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events'];
const CALENDAR_LIST = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.readonly'];

/** Largest page Google serves (events.list `maxResults`). */
const PAGE_SIZE = 2500;
const MAX_PAGES = 1000;

type Calendar = calendar_v3.Calendar;
type GoogleEvent = calendar_v3.Schema$Event;

/**
 * Google Calendar v3 through googleapis. Pull: `events.list` with the stored `syncToken`
 * (`singleEvents=true`: recurring events come as instances, kept as one object per series),
 * a full listing of the sync window when there is none or Google answers 410. Push: `insert`
 * with the engine's key as the event id (409 on a retry: the event is adopted or brought up to
 * date), `update` with `If-Match`, our marker in private extended properties. Live: `events.watch`
 * channels (Google has no renewal: the engine replaces them before they expire).
 */
@Injectable()
export class GoogleProvider implements CalendarProvider {
  readonly key = 'google';
  readonly displayName = 'Google Calendar';
  readonly capabilities = { watch: true, meetings: ['google_meet'] as const };

  constructor(private readonly clients: GoogleClientFactory) {}

  classifyError(error: unknown): ProviderError {
    return classifyGoogleError(error);
  }

  /** Offline access (a refresh token), consent asked every time (Google then always returns one), PKCE S256. */
  authorizationUrl(request: AuthorizationRequest): string {
    return this.clients.oauth(request.redirectUri).generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: GOOGLE_SCOPES,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: Auth.CodeChallengeMethod.S256,
    });
  }

  async connect(input: ConnectInput): Promise<ConnectedAccount> {
    if (input.kind !== 'oauth_code') throw new ProviderError('Permanent', 'Google accounts connect through OAuth');
    try {
      const { tokens } = await this.clients.oauth(input.redirectUri).getToken({ code: input.code, codeVerifier: input.codeVerifier, redirect_uri: input.redirectUri });
      if (!tokens.refresh_token || !tokens.access_token) throw new ProviderError('Permanent', 'Google granted no offline access (no refresh token)');
      const granted = (tokens.scope ?? '').split(/\s+/);
      if (tokens.scope && (!CALENDAR_WRITE.some((s) => granted.includes(s)) || !CALENDAR_LIST.some((s) => granted.includes(s)))) {
        throw new ProviderError('Permanent', 'The account did not grant calendar access (all requested permissions are needed)');
      }
      const credentials: OAuthCredentials = {
        refreshToken: tokens.refresh_token,
        accessToken: tokens.access_token,
        accessTokenExpiresAt: tokens.expiry_date ?? Date.now() + 3_600_000,
        scope: tokens.scope ?? null,
      };
      const account = connectingAccount(credentials);
      const calendars = await this.listCalendars(account);
      // The id token came straight from Google's token endpoint over TLS: its claims need no signature check (OIDC Core 3.1.3.7).
      const claims = idTokenClaims(tokens.id_token);
      const email = claims.email ?? calendars.find((c) => c.primary)?.externalId;
      if (!email) throw new ProviderError('Permanent', 'Google did not say which account this is (no email)');
      return {
        accountId: claims.sub ?? email.toLowerCase(),
        accountEmail: email,
        serverUrl: null,
        credentials: account.credentials,
        metadata: { email },
        calendars,
      };
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  /** Calendars the account can read events of (free/busy-only ones cannot be pulled). */
  async listCalendars(account: AccountContext): Promise<RemoteCalendar[]> {
    const { items } = await this.pages(this.session(account), (cal, pageToken) => cal.calendarList.list({ maxResults: 250, minAccessRole: 'reader', pageToken }));
    return items
      .filter((c) => c.id && !c.deleted)
      .map((c) => ({
        externalId: c.id!,
        name: c.summaryOverride ?? c.summary ?? c.id!,
        color: c.backgroundColor ?? null,
        timezone: c.timeZone ?? null,
        readOnly: c.accessRole !== 'owner' && c.accessRole !== 'writer',
        primary: c.primary === true,
        metadata: {},
      }));
  }

  async pullChanges(account: AccountContext, calendar: CalendarRef, request: PullRequest): Promise<PullResult> {
    const session = this.session(account);
    const options = { window: request.window, zone: calendar.timezone ?? request.defaultZone };
    if (!request.cursor) {
      const listed = await this.list(session, calendar.externalId, { timeMin: request.window.from.toISOString(), timeMax: request.window.to.toISOString() });
      const sorted = sortGoogleItems(listed.items);
      return {
        kind: 'changes',
        upserts: [
          ...sorted.singles.map((e) => interpretGoogleEvent(e, options)),
          ...[...sorted.series].map(([id, instances]) => interpretGoogleSeries(id, instances, options)),
        ],
        deletions: [],
        complete: true,
        unchanged: [],
        nextCursor: listed.nextSyncToken,
      };
    }
    let listed: { items: GoogleEvent[]; nextSyncToken: string | null };
    try {
      listed = await this.list(session, calendar.externalId, { syncToken: request.cursor });
    } catch (error) {
      const classified = this.classifyError(error);
      if (classified.code === 'CursorExpired') return { kind: 'cursor_expired', reason: classified.message };
      throw classified;
    }
    const sorted = sortGoogleItems(listed.items);
    const upserts: RemoteEvent[] = sorted.singles.map((e) => interpretGoogleEvent(e, options));
    const deletions = [...sorted.deleted];
    // A changed instance may come with its siblings changed or gone too (the series edited):
    // every touched series is listed again in full inside the window.
    const touched = new Set(sorted.series.keys());
    // Tombstones may carry only an id; an instance's is `<series id>_<original start>`.
    const bare = deletions.filter((id) => id.includes('_'));
    if (bare.length) {
      const known = await request.knownVersions();
      for (const id of bare) if (known.has(id.slice(0, id.lastIndexOf('_')))) touched.add(id.slice(0, id.lastIndexOf('_')));
    }
    for (const seriesId of touched) {
      const instances = await this.instances(session, calendar.externalId, seriesId, request.window);
      if (instances) upserts.push(interpretGoogleSeries(seriesId, instances, options));
      else deletions.push(seriesId);
    }
    return { kind: 'changes', upserts, deletions, complete: false, unchanged: [], nextCursor: listed.nextSyncToken };
  }

  /** With a conference request, the answer says what became of it (a pending one is read once more). */
  async upsertEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<UpsertResult> {
    const result = await this.writeEvent(account, calendar, event, current);
    if (!event.conference) return result.written;
    let meeting = googleMeetingOf(result.event);
    let etag = result.written.etag;
    if (meeting.status === 'pending') {
      const again = (await this.call(this.session(account), (cal) => cal.events.get({ calendarId: calendar.externalId, eventId: result.written.externalId }))).data;
      meeting = googleMeetingOf(again);
      etag = again.etag ?? etag;
    }
    return { ...result.written, etag, meeting };
  }

  private async writeEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<{ written: UpsertResult; event: GoogleEvent }> {
    const session = this.session(account);
    const calendarId = calendar.externalId;
    const requestBody = toGoogleEvent(event);
    // Version 1 only when asking for a conference: a write without it leaves an existing conference alone.
    const conferenceDataVersion = event.conference ? 1 : undefined;
    if (current) {
      try {
        const res = await this.call(session, (cal) => cal.events.update({ calendarId, eventId: current.externalId, requestBody, conferenceDataVersion }, ifMatch(current.etag)));
        return shown(res.data, 1);
      } catch (error) {
        const status = googleStatusOf(error);
        // Edited (412) or deleted (410) in Google Calendar: calbridge owns pushed events, so it is written again.
        if (status === 412 || status === 410) {
          return shown((await this.call(session, (cal) => cal.events.update({ calendarId, eventId: current.externalId, requestBody, conferenceDataVersion }))).data, 1);
        }
        if (status !== 404) throw error;
      }
    }
    try {
      return shown((await this.call(session, (cal) => cal.events.insert({ calendarId, requestBody, conferenceDataVersion }))).data, 1);
    } catch (error) {
      if (googleStatusOf(error) !== 409) throw error;
    }
    // The id is taken: our event, from an attempt whose mapping was never written (or deleted since).
    const existing = (await this.call(session, (cal) => cal.events.get({ calendarId, eventId: event.key }))).data;
    if (carriesContent(existing, event.contentHash)) return shown(existing, 0);
    const res = await this.call(session, (cal) => cal.events.update({ calendarId, eventId: event.key, requestBody, conferenceDataVersion }, ifMatch(existing.etag ?? null)));
    return shown(res.data, 1);
  }

  /** No If-Match: the event is ours, and an edit made in the calendar must not keep it alive. */
  async deleteEvent(account: AccountContext, calendar: CalendarRef, target: PushTarget): Promise<void> {
    try {
      await this.call(this.session(account), (cal) => cal.events.delete({ calendarId: calendar.externalId, eventId: target.externalId ?? target.key }));
    } catch (error) {
      const status = googleStatusOf(error);
      if (status !== 404 && status !== 410) throw error;
    }
  }

  async inventory(account: AccountContext, calendar: CalendarRef, keyPrefix: string): Promise<InventoryItem[]> {
    const listed = await this.list(this.session(account), calendar.externalId, {
      privateExtendedProperty: [`${GOOGLE_MARKER.connection}=${account.connectionId}`],
      singleEvents: false,
    });
    return listed.items
      .map((e) => ({ key: e.extendedProperties?.private?.[GOOGLE_MARKER.key] ?? '', externalId: e.id ?? '', etag: e.etag ?? null }))
      .filter((i) => i.key.startsWith(keyPrefix) && i.externalId);
  }

  /** A web_hook channel on the calendar's events; Google answers header-only POSTs carrying our token. */
  async watch(account: AccountContext, calendar: CalendarRef, request: WatchRequest): Promise<WatchChannel> {
    const ttlSeconds = Math.max(60, Math.round((request.expiresAt.getTime() - Date.now()) / 1000));
    const res = await this.call(this.session(account), (cal) =>
      cal.events.watch({
        calendarId: calendar.externalId,
        requestBody: { id: randomUUID(), type: 'web_hook', address: request.webhookUrl, token: request.token, params: { ttl: String(ttlSeconds) } },
      }),
    );
    const expiration = Number(res.data.expiration);
    return { id: res.data.id!, resourceId: res.data.resourceId ?? null, expiresAt: new Date(Number.isFinite(expiration) && expiration > 0 ? expiration : request.expiresAt.getTime()) };
  }

  async unwatch(account: AccountContext, channel: WatchChannel): Promise<void> {
    try {
      await this.call(this.session(account), (cal) => cal.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId ?? undefined } }));
    } catch (error) {
      if (googleStatusOf(error) !== 404) throw error; // already gone
    }
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /** Every page of one listing: its items and the sync token Google gives with the last page. */
  private async list(
    session: OAuthSession,
    calendarId: string,
    params: Omit<calendar_v3.Params$Resource$Events$List, 'calendarId' | 'pageToken' | 'maxResults'>,
  ): Promise<{ items: GoogleEvent[]; nextSyncToken: string | null }> {
    const { items, last } = await this.pages(session, (cal, pageToken) => cal.events.list({ singleEvents: true, ...params, calendarId, maxResults: PAGE_SIZE, pageToken }));
    return { items, nextSyncToken: last.nextSyncToken ?? null };
  }

  /** The instances of a series inside the window; null when the series is gone. */
  private async instances(session: OAuthSession, calendarId: string, eventId: string, window: { from: Date; to: Date }): Promise<GoogleEvent[] | null> {
    try {
      const { items } = await this.pages(session, (cal, pageToken) =>
        cal.events.instances({ calendarId, eventId, timeMin: window.from.toISOString(), timeMax: window.to.toISOString(), maxResults: PAGE_SIZE, pageToken }),
      );
      return items;
    } catch (error) {
      const status = googleStatusOf(error);
      if (status === 404 || status === 410) return null;
      throw error;
    }
  }

  /** Follows `nextPageToken` to the end: every item, and the last page (which carries `nextSyncToken`). */
  private async pages<P extends { items?: unknown[]; nextPageToken?: string | null }>(
    session: OAuthSession,
    fetchPage: (calendar: Calendar, pageToken: string | undefined) => Promise<{ data: P }>,
  ): Promise<{ items: NonNullable<P['items']>; last: P }> {
    const items = [] as unknown[] as NonNullable<P['items']>;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await this.call(session, (cal) => fetchPage(cal, pageToken));
      items.push(...(data.items ?? []));
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken) return { items, last: data };
    }
    throw new ProviderError('Transient', `Google listed more than ${MAX_PAGES} pages; giving up for now`);
  }

  private session(account: AccountContext): OAuthSession {
    return new OAuthSession(account, (current) => this.refresh(current), (error) => googleStatusOf(error) === 401);
  }

  private call<T>(session: OAuthSession, fn: (calendar: Calendar) => Promise<T>): Promise<T> {
    return session.run((token) => fn(this.clients.calendar(token)));
  }

  /** Google does not rotate refresh tokens: the stored one stays. */
  private async refresh(current: OAuthCredentials): Promise<OAuthCredentials> {
    const auth = this.clients.oauth();
    auth.setCredentials({ refresh_token: current.refreshToken });
    const { credentials } = await auth.refreshAccessToken();
    if (!credentials.access_token) throw new ProviderError('Transient', 'Google returned no access token');
    return {
      refreshToken: credentials.refresh_token ?? current.refreshToken,
      accessToken: credentials.access_token,
      accessTokenExpiresAt: credentials.expiry_date ?? Date.now() + 3_600_000,
      scope: credentials.scope ?? current.scope,
    };
  }
}

function written(event: GoogleEvent, writes: number): UpsertResult {
  return { externalId: event.id!, etag: event.etag ?? null, writes };
}

function shown(event: GoogleEvent, writes: number): { written: UpsertResult; event: GoogleEvent } {
  return { written: written(event, writes), event };
}

function ifMatch(etag: string | null): { headers?: Record<string, string> } {
  return etag ? { headers: { 'If-Match': etag } } : {};
}
