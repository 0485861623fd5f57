import type { OAuthAuthority } from '../oauth/oauth-authority';
import { RequestContext, Router, sendEmpty, sendJson } from '../shared/http-kit';
import { instantOf, parseDateTime } from '../shared/time';
import type { GoogleConferences } from './google-conferences';
import { gErrors } from './google-errors';
import { parseEventInput } from './google-model';
import type { GoogleStore, ListParams } from './google-store';
import type { ChannelRegistry } from './google-watch';

/**
 * Calendar API v3 routes (https://developers.google.com/calendar/api/v3/reference): calendarList,
 * calendars.get, events list/get/insert/update/patch/delete/instances/watch, channels.stop.
 */

const SCOPE = 'https://www.googleapis.com/auth/';
const CALENDAR_LIST_SCOPES = ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'];
const CALENDAR_READ_SCOPES = ['calendar', 'calendar.readonly', 'calendar.calendars', 'calendar.calendars.readonly'];
const EVENT_READ_SCOPES = [
  'calendar',
  'calendar.readonly',
  'calendar.events',
  'calendar.events.readonly',
  'calendar.events.owned',
  'calendar.events.owned.readonly',
];
const EVENT_WRITE_SCOPES = ['calendar', 'calendar.events', 'calendar.events.owned'];

export interface GoogleRouteDeps {
  store: GoogleStore;
  channels: ChannelRegistry;
  authority: OAuthAuthority;
  enforceScopes: () => boolean;
  publicUrl: () => string;
  conferences: GoogleConferences;
}

interface Caller {
  account: string;
  clientId: string;
}

const FORBIDDEN_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export function registerGoogleRoutes(router: Router, deps: GoogleRouteDeps): void {
  const { store } = deps;
  const base = '/calendar/v3';

  const auth = (ctx: RequestContext, scopes: string[]): Caller => {
    const result = deps.authority.authenticate(ctx.header('authorization'));
    if (!result.ok) throw gErrors.unauthenticated();
    if (deps.enforceScopes() && !scopes.some((s) => result.grant.scopes.includes(`${SCOPE}${s}`))) {
      throw gErrors.insufficientScopes();
    }
    return { account: result.grant.account, clientId: result.grant.clientId };
  };
  const body = (ctx: RequestContext) => ctx.json((message) => gErrors.badRequest(message));

  router.add('GET', `${base}/users/me/calendarList`, 'api', (ctx) => {
    const caller = auth(ctx, CALENDAR_LIST_SCOPES);
    const maxResults = clampInt(ctx.query.get('maxResults'), 100, 1, 250);
    const all = store.calendarsOf(caller.account).map((c) => store.calendarListEntry(c));
    const offset = ctx.query.get('pageToken') ? Number(Buffer.from(ctx.query.get('pageToken') as string, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw gErrors.invalid('Invalid page token value.', 'pageToken');
    const items = all.slice(offset, offset + maxResults);
    const response: Record<string, unknown> = { kind: 'calendar#calendarList', etag: `"${all.length}"`, items };
    if (offset + maxResults < all.length) response.nextPageToken = Buffer.from(String(offset + maxResults)).toString('base64url');
    else response.nextSyncToken = `CL${Buffer.from(caller.account).toString('base64url')}`;
    sendJson(ctx.res, 200, response);
  });

  router.add('GET', `${base}/users/me/calendarList/:calendarId`, 'api', (ctx) => {
    const caller = auth(ctx, CALENDAR_LIST_SCOPES);
    sendJson(ctx.res, 200, store.calendarListEntry(store.resolveCalendar(caller.account, ctx.params.calendarId)));
  });

  router.add('GET', `${base}/calendars/:calendarId`, 'api', (ctx) => {
    const caller = auth(ctx, CALENDAR_READ_SCOPES);
    sendJson(ctx.res, 200, store.calendarResource(store.resolveCalendar(caller.account, ctx.params.calendarId)));
  });

  router.add('GET', `${base}/calendars/:calendarId/events`, 'api', (ctx) => {
    const caller = auth(ctx, EVENT_READ_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const page = store.list(calendar, listParams(ctx));
    const updated = Math.max(calendar.created, ...[...calendar.events.values()].map((e) => e.updated));
    sendJson(ctx.res, 200, {
      kind: 'calendar#events',
      etag: `"${calendar.seq}"`,
      summary: calendar.summary,
      description: calendar.description ?? '',
      updated: new Date(updated).toISOString(),
      timeZone: calendar.timeZone,
      accessRole: 'owner',
      defaultReminders: calendar.primary ? [{ method: 'popup', minutes: 10 }] : [],
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      ...(page.nextSyncToken ? { nextSyncToken: page.nextSyncToken } : {}),
      items: page.items,
    });
  });

  router.add('POST', `${base}/calendars/:calendarId/events/watch`, 'api', async (ctx) => {
    const caller = auth(ctx, EVENT_READ_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const resourceUri = `${deps.publicUrl()}${base}/calendars/${encodeURIComponent(ctx.params.calendarId)}/events?alt=json`;
    const channel = deps.channels.create(calendar, await body(ctx), { account: caller.account, clientId: caller.clientId, resourceUri });
    sendJson(ctx.res, 200, channel);
  });

  router.add('POST', `${base}/calendars/:calendarId/events`, 'api', async (ctx) => {
    const caller = auth(ctx, EVENT_WRITE_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const input = parseEventInput(await body(ctx), { requireTimes: true });
    deps.conferences.prepare(calendar, input, conferenceDataVersion(ctx), { patch: false });
    const record = store.insert(calendar, input, { account: caller.account });
    sendJson(ctx.res, 200, store.render(calendar, record));
  });

  router.add('GET', `${base}/calendars/:calendarId/events/:eventId/instances`, 'api', (ctx) => {
    const caller = auth(ctx, EVENT_READ_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const page = store.instances(calendar, ctx.params.eventId, {
      timeMin: optionalInstant(ctx, 'timeMin'),
      timeMax: optionalInstant(ctx, 'timeMax'),
      showDeleted: ctx.query.get('showDeleted') === 'true',
      maxResults: clampInt(ctx.query.get('maxResults'), 250, 1, 2500),
      pageToken: ctx.query.get('pageToken') ?? undefined,
      timeZone: ctx.query.get('timeZone') ?? undefined,
    });
    sendJson(ctx.res, 200, {
      kind: 'calendar#events',
      etag: `"${calendar.seq}"`,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
      accessRole: 'owner',
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      items: page.items,
    });
  });

  router.add('GET', `${base}/calendars/:calendarId/events/:eventId`, 'api', (ctx) => {
    const caller = auth(ctx, EVENT_READ_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const found = store.find(calendar, ctx.params.eventId);
    if (!found) throw gErrors.notFound();
    deps.conferences.advance(calendar, found.record);
    const ifNoneMatch = ctx.header('if-none-match');
    if (ifNoneMatch && ifNoneMatch.split(',').map((t) => t.trim()).includes(found.record.etag)) {
      sendEmpty(ctx.res, 304, { etag: found.record.etag });
      return;
    }
    // events.get always returns cancelled events (with status "cancelled").
    sendJson(ctx.res, 200, store.render(calendar, found.record, ctx.query.get('timeZone') ?? undefined), { etag: found.record.etag });
  });

  const write = (patch: boolean) => async (ctx: RequestContext) => {
    const caller = auth(ctx, EVENT_WRITE_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    const input = parseEventInput(await body(ctx), { requireTimes: !patch });
    const existing = store.find(calendar, ctx.params.eventId)?.record;
    if (existing) deps.conferences.advance(calendar, existing);
    deps.conferences.prepare(calendar, input, conferenceDataVersion(ctx), { existing, patch });
    const record = store.update(calendar, ctx.params.eventId, input, {
      patch,
      ifMatch: ctx.header('if-match'),
      actor: { account: caller.account },
    });
    sendJson(ctx.res, 200, store.render(calendar, record), { etag: record.etag });
  };
  router.add('PUT', `${base}/calendars/:calendarId/events/:eventId`, 'api', write(false));
  router.add('PATCH', `${base}/calendars/:calendarId/events/:eventId`, 'api', write(true));

  router.add('DELETE', `${base}/calendars/:calendarId/events/:eventId`, 'api', (ctx) => {
    const caller = auth(ctx, EVENT_WRITE_SCOPES);
    const calendar = store.resolveCalendar(caller.account, ctx.params.calendarId);
    store.delete(calendar, ctx.params.eventId, { ifMatch: ctx.header('if-match') });
    sendEmpty(ctx.res, 204);
  });

  router.add('POST', `${base}/channels/stop`, 'api', async (ctx) => {
    const caller = auth(ctx, EVENT_READ_SCOPES);
    deps.channels.stop(await body(ctx), caller.account);
    sendEmpty(ctx.res, 204);
  });
}

/** `conferenceDataVersion` (0 or 1; anything else is invalid). */
function conferenceDataVersion(ctx: RequestContext): number {
  const raw = ctx.query.get('conferenceDataVersion');
  if (raw === null || raw === '0') return 0;
  if (raw === '1') return 1;
  throw gErrors.invalid('Invalid value for: conferenceDataVersion', 'conferenceDataVersion');
}

function listParams(ctx: RequestContext): ListParams {
  const q = ctx.query;
  const syncToken = q.get('syncToken') ?? undefined;
  if (syncToken) {
    if (FORBIDDEN_WITH_SYNC_TOKEN.some((name) => q.has(name))) throw gErrors.syncTokenRestrictions();
    // "it is not allowed to set showDeleted to False" with a sync token.
    if (q.get('showDeleted') === 'false') throw gErrors.syncTokenRestrictions();
  }
  const singleEvents = q.get('singleEvents') === 'true';
  const orderBy = q.get('orderBy') ?? undefined;
  if (orderBy !== undefined && orderBy !== 'startTime' && orderBy !== 'updated') throw gErrors.invalid('Invalid value for: orderBy', 'orderBy');
  if (orderBy === 'startTime' && !singleEvents) throw gErrors.orderByUnavailable();
  const timeMin = optionalInstant(ctx, 'timeMin');
  const timeMax = optionalInstant(ctx, 'timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) throw gErrors.timeRangeEmpty();
  return {
    maxResults: clampInt(q.get('maxResults'), 250, 1, 2500),
    pageToken: q.get('pageToken') ?? undefined,
    syncToken,
    singleEvents,
    showDeleted: q.get('showDeleted') === 'true',
    timeMin,
    timeMax,
    updatedMin: optionalInstant(ctx, 'updatedMin'),
    q: q.get('q') ?? undefined,
    iCalUID: q.get('iCalUID') ?? undefined,
    privateExtendedProperty: q.getAll('privateExtendedProperty'),
    sharedExtendedProperty: q.getAll('sharedExtendedProperty'),
    orderBy: orderBy as ListParams['orderBy'],
    timeZone: validZoneParam(q.get('timeZone')),
  };
}

function validZoneParam(zone: string | null): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw gErrors.invalid('Invalid time zone.', 'timeZone');
  }
}

/** RFC 3339 query parameter with a mandatory offset. */
function optionalInstant(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null) return undefined;
  const parsed = parseDateTime(raw);
  if (!parsed || parsed.offsetMinutes === undefined) throw gErrors.badRequest(`Bad Request: ${name} must be an RFC3339 timestamp with a time zone offset.`);
  return instantOf(parsed, 'UTC');
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw gErrors.invalid('Invalid value for: maxResults', 'maxResults');
  return Math.min(n, max);
}

