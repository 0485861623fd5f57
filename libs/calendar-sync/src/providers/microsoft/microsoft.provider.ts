import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { Injectable } from '@nestjs/common';
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
  UpsertResult,
  WatchChannel,
  WatchRequest,
} from '../calendar-provider';
import { connectingAccount, idTokenClaims, OAuthCredentials, OAuthSession } from '../oauth-session';
import { ProviderError } from '../provider-error';
import { GraphClientFactory, MicrosoftTokenResponse } from './graph-client.factory';
import { classifyGraphError, GraphHttpError, graphStatusOf } from './graph-errors';
import { echoesEvent, GRAPH_MARKER, GraphEvent, graphMeetingOf, interpretGraphDelta, teamsUnavailableReason, toGraphEvent } from './graph-events';

/**
 * What calbridge asks for: a refresh token (`offline_access`), its events written and calendars
 * read (`Calendars.ReadWrite`), who the account is (`User.Read`, `openid email`).
 * https://learn.microsoft.com/graph/permissions-reference
 */
export const MICROSOFT_SCOPES = ['offline_access', 'Calendars.ReadWrite', 'User.Read', 'openid', 'email'];

/** Ids that survive moving an event between calendars; Graph answers and notifies with them. */
const IMMUTABLE_IDS = 'IdType="ImmutableId"';
/** Delta pages: 200 rows (Graph caps several delta APIs there), times in UTC. */
const DELTA_PREFER = `odata.maxpagesize=200, ${IMMUTABLE_IDS}, outlook.timezone="UTC"`;
const EVENT_PREFER = `${IMMUTABLE_IDS}, outlook.timezone="UTC"`;
/** Outlook subscriptions live at most 4230 minutes; ask for a little less. */
const MAX_SUBSCRIPTION_MS = 4200 * 60_000;
/** A create answered with an event older than this (by Graph's clock) returned an earlier attempt's event. */
const EARLIER_EVENT_AGE_MS = 5_000;
const MAX_PAGES = 1000;

/**
 * Microsoft Outlook through the Graph SDK, tokens from the identity platform's v2.0 endpoints.
 * Pull: `calendarView/delta` of the sync window (occurrences of series included, `@removed`
 * rows for deletions), following `@odata.nextLink` and keeping the `@odata.deltaLink` as cursor.
 * Push: create with `transactionId` (the engine's key) and marker extended properties, `PATCH`
 * with `If-Match`, immutable ids. Live: subscriptions on the calendar's events, renewed in place
 * (`PATCH`), with lifecycle notifications to the same webhook.
 */
@Injectable()
export class MicrosoftProvider implements CalendarProvider {
  readonly key = 'microsoft';
  readonly displayName = 'Microsoft Outlook';
  readonly capabilities = { watch: true, meetings: ['teams'] as const };

  constructor(private readonly clients: GraphClientFactory) {}

  classifyError(error: unknown): ProviderError {
    return classifyGraphError(error);
  }

  authorizationUrl(request: AuthorizationRequest): string {
    return this.clients.authorizeUrl({
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: request.redirectUri,
      scope: MICROSOFT_SCOPES.join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async connect(input: ConnectInput): Promise<ConnectedAccount> {
    if (input.kind !== 'oauth_code') throw new ProviderError('Permanent', 'Microsoft accounts connect through OAuth');
    try {
      const tokens = await this.clients.token({
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
        scope: MICROSOFT_SCOPES.join(' '),
      });
      if (!tokens.refresh_token) throw new ProviderError('Permanent', 'Microsoft granted no offline access (no refresh token)');
      const credentials = credentialsFrom(tokens, tokens.refresh_token);
      const account = connectingAccount(credentials);
      const session = this.session(account);
      const client = this.graph(session);
      const me = (await session.run(() => client.api('/me').get())) as { id?: string; mail?: string | null; userPrincipalName?: string };
      const claims = idTokenClaims(tokens.id_token);
      const email = me.mail ?? claims.email ?? me.userPrincipalName ?? claims.preferred_username;
      const accountId = me.id ?? claims.oid;
      if (!email || !accountId) throw new ProviderError('Permanent', 'Microsoft did not say which account this is');
      const calendars = await this.listCalendars(account);
      return { accountId: accountId.toLowerCase(), accountEmail: email, serverUrl: null, credentials: account.credentials, metadata: { email }, calendars };
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  async listCalendars(account: AccountContext): Promise<RemoteCalendar[]> {
    const session = this.session(account);
    const client = this.graph(session);
    const rows = await this.all<{ id: string; name?: string; hexColor?: string; canEdit?: boolean; isDefaultCalendar?: boolean; allowedOnlineMeetingProviders?: string[] }>(session, client, () =>
      client.api('/me/calendars').top(100).get(),
    );
    return rows.map((c) => ({
      externalId: c.id,
      name: c.name ?? c.id,
      color: c.hexColor || null,
      timezone: null,
      readOnly: c.canEdit === false,
      primary: c.isDefaultCalendar === true,
      metadata: c.allowedOnlineMeetingProviders ? { allowedOnlineMeetingProviders: c.allowedOnlineMeetingProviders } : {},
    }));
  }

  async pullChanges(account: AccountContext, calendar: CalendarRef, request: PullRequest): Promise<PullResult> {
    const session = this.session(account);
    const client = this.graph(session);
    // The window is fixed in the delta link: a full listing starts a new round for the current window.
    let url =
      request.cursor ??
      `/me/calendars/${encodeURIComponent(calendar.externalId)}/calendarView/delta?startDateTime=${utc(request.window.from)}&endDateTime=${utc(request.window.to)}`;
    const rows: GraphEvent[] = [];
    let deltaLink: string | null = null;
    for (let page = 0; page < MAX_PAGES && !deltaLink; page++) {
      let body: { value?: GraphEvent[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      try {
        body = await session.run(() => client.api(url).header('Prefer', DELTA_PREFER).get());
      } catch (error) {
        const classified = this.classifyError(error);
        if (request.cursor && classified.code === 'CursorExpired') return { kind: 'cursor_expired', reason: classified.message };
        throw classified;
      }
      rows.push(...(body.value ?? []));
      if (body['@odata.nextLink']) url = body['@odata.nextLink'];
      else deltaLink = body['@odata.deltaLink'] ?? null;
    }
    if (!deltaLink) throw new ProviderError('Transient', 'Graph ended a delta round without a delta link');
    const { upserts, deletions } = interpretGraphDelta(rows, { window: request.window, zone: calendar.timezone ?? request.defaultZone });
    return { kind: 'changes', upserts, deletions, complete: request.cursor === null, unchanged: [], nextCursor: deltaLink };
  }

  /** With a conference request, the answer says what became of it (asked only where the calendar offers Teams). */
  async upsertEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<UpsertResult> {
    const refused = event.conference ? teamsUnavailableReason(calendar.metadata.allowedOnlineMeetingProviders) : null;
    const result = await this.writeEvent(account, calendar, refused ? { ...event, conference: null } : event, current);
    if (!event.conference) return written(result.event, result.writes);
    return { ...written(result.event, result.writes), meeting: refused ? { status: 'unavailable', reason: refused } : graphMeetingOf(result.event) };
  }

  private async writeEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<{ event: GraphEvent; writes: number }> {
    const session = this.session(account);
    const client = this.graph(session);
    if (current) {
      try {
        return shown(await this.patch(session, client, current.externalId, event, current.etag), 1);
      } catch (error) {
        const status = graphStatusOf(error);
        // Edited in Outlook since: calbridge owns pushed events, so it is written again.
        if (status === 412) return shown(await this.patch(session, client, current.externalId, event, null), 1);
        if (status !== 404) throw error;
        // Deleted in Outlook: created again below.
      }
    }
    const sent = toGraphEvent(event, true);
    const { created, serverNow } = await session.run(async () => {
      const res = (await client
        .api(`/me/calendars/${encodeURIComponent(calendar.externalId)}/events`)
        .header('Prefer', EVENT_PREFER)
        .responseType(ResponseType.RAW)
        .post(sent)) as Response;
      if (!res.ok) throw await GraphHttpError.from(res);
      return { created: (await res.json()) as GraphEvent, serverNow: Date.parse(res.headers.get('date') ?? '') };
    });
    // A retry whose transactionId matched an event of an earlier attempt (its mapping never
    // written) gets that event back: brought up to date, it is adopted without a duplicate.
    const earlier = Number.isFinite(serverNow) && serverNow + 1000 - Date.parse(created.createdDateTime ?? '') > EARLIER_EVENT_AGE_MS;
    if (!earlier && echoesEvent(created, sent)) return shown(created, 1);
    return shown(await this.patch(session, client, created.id, event, created['@odata.etag'] ?? null), 1);
  }

  async deleteEvent(account: AccountContext, calendar: CalendarRef, target: PushTarget): Promise<void> {
    const session = this.session(account);
    const client = this.graph(session);
    // No mapping (a crash before it was written): the event is found by its marker.
    const ids = target.externalId ? [target.externalId] : (await this.findByMarker(session, client, calendar, GRAPH_MARKER.key, target.key)).map((e) => e.id);
    for (const id of ids) {
      try {
        await session.run(() => client.api(`/me/events/${encodeURIComponent(id)}`).delete());
      } catch (error) {
        if (graphStatusOf(error) !== 404) throw error;
      }
    }
  }

  async inventory(account: AccountContext, calendar: CalendarRef, keyPrefix: string): Promise<InventoryItem[]> {
    const session = this.session(account);
    const rows = await this.findByMarker(session, this.graph(session), calendar, GRAPH_MARKER.connection, account.connectionId);
    return rows
      .map((e) => ({ key: (e.singleValueExtendedProperties ?? []).find((p) => p.id.toLowerCase() === GRAPH_MARKER.key.toLowerCase())?.value ?? '', externalId: e.id, etag: e['@odata.etag'] ?? null }))
      .filter((i) => i.key.startsWith(keyPrefix));
  }

  /** A subscription to the calendar's events; lifecycle notifications go to the same webhook. */
  async watch(account: AccountContext, calendar: CalendarRef, request: WatchRequest): Promise<WatchChannel> {
    const session = this.session(account);
    const client = this.graph(session);
    const subscription = (await session.run(() =>
      client
        .api('/subscriptions')
        .header('Prefer', IMMUTABLE_IDS)
        .post({
          changeType: 'created,updated,deleted',
          notificationUrl: request.webhookUrl,
          lifecycleNotificationUrl: request.webhookUrl,
          resource: `/me/calendars/${calendar.externalId}/events`,
          expirationDateTime: subscriptionExpiry(request.expiresAt),
          clientState: request.token,
        }),
    )) as { id: string; expirationDateTime: string };
    return { id: subscription.id, resourceId: null, expiresAt: new Date(subscription.expirationDateTime) };
  }

  /** `PATCH` of the expiration: renews the subscription and reauthorizes it. */
  async renewWatch(account: AccountContext, channel: WatchChannel, expiresAt: Date): Promise<WatchChannel> {
    const session = this.session(account);
    const client = this.graph(session);
    const renewed = (await session.run(() =>
      client.api(`/subscriptions/${encodeURIComponent(channel.id)}`).patch({ expirationDateTime: subscriptionExpiry(expiresAt) }),
    )) as { id?: string; expirationDateTime: string };
    return { id: renewed.id ?? channel.id, resourceId: null, expiresAt: new Date(renewed.expirationDateTime) };
  }

  async unwatch(account: AccountContext, channel: WatchChannel): Promise<void> {
    const session = this.session(account);
    const client = this.graph(session);
    try {
      await session.run(() => client.api(`/subscriptions/${encodeURIComponent(channel.id)}`).delete());
    } catch (error) {
      if (graphStatusOf(error) !== 404) throw error; // already gone
    }
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private async patch(session: OAuthSession, client: Client, id: string, event: OutboundEvent, etag: string | null): Promise<GraphEvent> {
    return session.run(() => {
      const request = client.api(`/me/events/${encodeURIComponent(id)}`).header('Prefer', EVENT_PREFER);
      if (etag) request.header('If-Match', etag);
      return request.patch(toGraphEvent(event, false)) as Promise<GraphEvent>;
    });
  }

  /** Events of the calendar whose marker property `id` has `value`, with their key property. */
  private findByMarker(session: OAuthSession, client: Client, calendar: CalendarRef, id: string, value: string): Promise<MarkedEvent[]> {
    return this.all<MarkedEvent>(session, client, () =>
      client
        .api(`/me/calendars/${encodeURIComponent(calendar.externalId)}/events`)
        .header('Prefer', IMMUTABLE_IDS)
        .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${id}' and ep/value eq '${value.replace(/'/g, "''")}')`)
        .expand(`singleValueExtendedProperties($filter=id eq '${GRAPH_MARKER.key}')`)
        .top(100)
        .get(),
    );
  }

  /** Every row of a paged collection, following `@odata.nextLink`. */
  private async all<T>(session: OAuthSession, client: Client, first: () => Promise<Page<T>>): Promise<T[]> {
    const rows: T[] = [];
    let page = await session.run(first);
    for (let n = 1; ; n++) {
      rows.push(...(page.value ?? []));
      const next = page['@odata.nextLink'];
      if (!next) return rows;
      if (n >= MAX_PAGES) throw new ProviderError('Transient', `Graph listed more than ${MAX_PAGES} pages; giving up for now`);
      page = await session.run(() => client.api(next).header('Prefer', IMMUTABLE_IDS).get());
    }
  }

  private session(account: AccountContext): OAuthSession {
    return new OAuthSession(account, (current) => this.refresh(current), (error) => graphStatusOf(error) === 401);
  }

  private graph(session: OAuthSession): Client {
    return this.clients.graph(() => session.accessToken());
  }

  /** Microsoft rotates refresh tokens: the new one is stored with the access token. */
  private async refresh(current: OAuthCredentials): Promise<OAuthCredentials> {
    const tokens = await this.clients.token({ grant_type: 'refresh_token', refresh_token: current.refreshToken, scope: MICROSOFT_SCOPES.join(' ') });
    return credentialsFrom(tokens, current.refreshToken);
  }
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

type MarkedEvent = GraphEvent & { singleValueExtendedProperties?: Array<{ id: string; value: string }> };

function credentialsFrom(tokens: MicrosoftTokenResponse, refreshToken: string): OAuthCredentials {
  return {
    refreshToken: tokens.refresh_token ?? refreshToken,
    accessToken: tokens.access_token,
    accessTokenExpiresAt: Date.now() + (Number(tokens.expires_in) || 3600) * 1000,
    scope: tokens.scope ?? null,
  };
}

function shown(event: GraphEvent, writes: number): { event: GraphEvent; writes: number } {
  return { event, writes };
}

function written(event: GraphEvent, writes: number): UpsertResult {
  return { externalId: event.id, etag: event['@odata.etag'] ?? event.changeKey ?? null, writes };
}

/** Graph wants UTC times in query strings (the SDK does not encode `+`). */
function utc(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function subscriptionExpiry(wanted: Date): string {
  return new Date(Math.min(wanted.getTime(), Date.now() + MAX_SUBSCRIPTION_MS)).toISOString();
}
