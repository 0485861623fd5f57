import type { OAuthAuthority } from '../oauth/oauth-authority';
import { RequestContext, Router, sendEmpty, sendJson } from '../shared/http-kit';
import { instantOf, parseDateTime } from '../shared/time';
import type { DeltaTracker } from './graph-delta';
import { mErrors } from './graph-errors';
import { extendedPropertyKey, parseEventInput, resolveZone } from './graph-model';
import type { GraphStore, Mailbox, MCalendar, MEventRecord, RenderOptions } from './graph-store';
import type { SubscriptionRegistry } from './graph-subscriptions';

/**
 * Microsoft Graph v1.0 routes for calendars (https://learn.microsoft.com/graph/api/resources/calendar),
 * events, calendarView (+ delta) and subscriptions, under `/v1.0/me/…` and `/v1.0/users/{id|upn}/…`.
 */

type Json = Record<string, unknown>;

const READ = ['calendars.read', 'calendars.readwrite', 'calendars.readbasic', 'calendars.read.shared', 'calendars.readwrite.shared'];
const WRITE = ['calendars.readwrite', 'calendars.readwrite.shared'];
const USER_READ = ['user.read', 'user.readwrite', 'user.readbasic.all', 'user.read.all', 'user.readwrite.all', 'directory.read.all'];

export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphRouteDeps {
  store: GraphStore;
  delta: DeltaTracker;
  subscriptions: SubscriptionRegistry;
  authority: OAuthAuthority;
  enforceScopes: () => boolean;
  publicUrl: () => string;
  defaultPageSize: number;
}

interface Caller {
  mailbox: Mailbox;
  clientId: string;
}

interface Preferences {
  maxPageSize?: number;
  timezone?: string;
  immutableIds: boolean;
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { immutableIds: false };
  for (const part of (header ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize' && /^\d+$/.test(value)) prefs.maxPageSize = Number(value);
    if (name === 'outlook.timezone') prefs.timezone = value;
    if (name === 'idtype' && value.toLowerCase() === 'immutableid') prefs.immutableIds = true;
  }
  return prefs;
}

function send(ctx: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(ctx.res, status, body, { 'content-type': GRAPH_CONTENT_TYPE, 'odata-version': '4.0', ...headers });
}

export function registerGraphRoutes(router: Router, deps: GraphRouteDeps): void {
  const { store } = deps;

  const auth = (ctx: RequestContext, scopes: string[]): Caller => {
    const result = deps.authority.authenticate(ctx.header('authorization'));
    if (!result.ok) {
      throw mErrors.unauthenticated(
        result.failure === 'missing' ? 'Access token is empty.' : result.failure === 'expired' ? 'Access token has expired or is not yet valid.' : 'IDX14100: JWT is not well formed.',
      );
    }
    const granted = result.grant.scopes.map((s) => s.toLowerCase());
    if (deps.enforceScopes() && !scopes.some((s) => granted.includes(s))) throw mErrors.accessDenied();
    const mailbox = store.mailbox(result.grant.account);
    if (!mailbox) throw mErrors.unauthenticated();
    const user = ctx.params.user;
    if (user && user.toLowerCase() !== mailbox.id.toLowerCase() && user.toLowerCase() !== mailbox.email.toLowerCase()) {
      throw mErrors.accessDenied();
    }
    return { mailbox, clientId: result.grant.clientId };
  };

  const renderOptions = (ctx: RequestContext): { ro: RenderOptions; prefs: Preferences; applied: Record<string, string> } => {
    const prefs = parsePrefer(ctx.header('prefer'));
    const label = prefs.timezone && resolveZone(prefs.timezone) ? prefs.timezone : 'UTC';
    const applied: string[] = [];
    if (prefs.timezone && label === prefs.timezone) applied.push(`outlook.timezone="${label}"`);
    if (prefs.immutableIds) applied.push('IdType="ImmutableId"');
    return {
      ro: { immutableIds: prefs.immutableIds, out: { label, zone: resolveZone(label) ?? 'UTC' }, publicUrl: deps.publicUrl() },
      prefs,
      applied: applied.length ? { 'preference-applied': applied.join(',') } : {},
    };
  };

  const body = (ctx: RequestContext) => ctx.json((message) => mErrors.badRequest(message, 'BadRequest'));

  const both = (method: string, path: string, handler: (ctx: RequestContext) => void | Promise<void>) => {
    router.add(method, `/v1.0/me${path}`, 'api', handler);
    router.add(method, `/v1.0/users/:user${path}`, 'api', handler);
  };

  /** The calendar a path names (`calendarId` param, or the default calendar). */
  const calendarOf = (ctx: RequestContext, caller: Caller): MCalendar => store.resolveCalendar(caller.mailbox, ctx.params.calendarId);

  /** Path prefix for links (keeps `/me/calendars/{id}` vs `/me/calendar` vs `/me`). */
  const linkPath = (ctx: RequestContext): string => {
    const p = ctx.url.pathname.replace(/^\/v1\.0\//i, '');
    return p.replace(/\/calendarView(\/delta)?\/?$/i, '').replace(/\/events\/?$/i, '');
  };

  // ------------------------------------------------------------------ user and calendars

  both('GET', '', (ctx) => {
    const caller = auth(ctx, USER_READ);
    const m = caller.mailbox;
    const [givenName, ...rest] = m.displayName.split(' ');
    send(ctx, 200, {
      '@odata.context': `${deps.publicUrl()}/v1.0/$metadata#users/$entity`,
      id: m.id,
      displayName: m.displayName,
      givenName,
      surname: rest.join(' ') || null,
      mail: m.email,
      userPrincipalName: m.email,
      businessPhones: [],
      jobTitle: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
    });
  });

  both('GET', '/calendars', (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, {
      '@odata.context': `${deps.publicUrl()}/v1.0/$metadata#users('${caller.mailbox.id}')/calendars`,
      value: store.calendarsOf(caller.mailbox.email).map((c) => store.renderCalendar(c)),
    });
  });
  both('GET', '/calendars/:calendarId', (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, store.renderCalendar(calendarOf(ctx, caller)));
  });
  both('GET', '/calendar', (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, store.renderCalendar(calendarOf(ctx, caller)));
  });

  // ------------------------------------------------------------------ events

  const listEvents = (scoped: boolean) => (ctx: RequestContext) => {
    const caller = auth(ctx, READ);
    const { ro, prefs, applied } = renderOptions(ctx);
    const calendar = scoped ? calendarOf(ctx, caller) : undefined;
    let records = store.listEvents(caller.mailbox, calendar);
    const filter = ctx.query.get('$filter');
    if (filter) records = records.filter(extendedPropertyFilter(filter));
    const items = records.map((r) => shape(store, r, store.render(r, ro), ctx));
    sendPage(ctx, items, prefs, applied, deps.defaultPageSize);
  };
  both('GET', '/events', listEvents(false));
  both('GET', '/calendar/events', listEvents(true));
  both('GET', '/calendars/:calendarId/events', listEvents(true));

  const createEvent = async (ctx: RequestContext) => {
    const caller = auth(ctx, WRITE);
    const { ro, applied } = renderOptions(ctx);
    const calendar = calendarOf(ctx, caller);
    const { record } = store.create(caller.mailbox, calendar, parseEventInput(await body(ctx)));
    send(ctx, 201, { '@odata.context': `${deps.publicUrl()}/v1.0/$metadata#users('${caller.mailbox.id}')/events/$entity`, ...store.render(record, ro) }, applied);
  };
  both('POST', '/events', createEvent);
  both('POST', '/calendar/events', createEvent);
  both('POST', '/calendars/:calendarId/events', createEvent);

  const findIn = (ctx: RequestContext, caller: Caller) => {
    const found = store.find(caller.mailbox, ctx.params.eventId);
    if (!found) throw mErrors.notFound();
    if (ctx.params.calendarId !== undefined || /\/calendar\/events\//i.test(ctx.url.pathname)) {
      const calendar = calendarOf(ctx, caller);
      if (found.record.calendarId !== calendar.id) throw mErrors.notFound();
    }
    return found;
  };

  const getEvent = (ctx: RequestContext) => {
    const caller = auth(ctx, READ);
    const { ro, applied } = renderOptions(ctx);
    const found = findIn(ctx, caller);
    send(ctx, 200, shape(store, found.record, store.render(found.record, ro, found.occurrence), ctx), applied);
  };
  const patchEvent = async (ctx: RequestContext) => {
    const caller = auth(ctx, WRITE);
    const { ro, applied } = renderOptions(ctx);
    findIn(ctx, caller);
    const record = store.update(caller.mailbox, ctx.params.eventId, parseEventInput(await body(ctx)), { ifMatch: ctx.header('if-match') });
    send(ctx, 200, store.render(record, ro), applied);
  };
  const deleteEvent = (ctx: RequestContext) => {
    const caller = auth(ctx, WRITE);
    findIn(ctx, caller);
    store.delete(caller.mailbox, ctx.params.eventId);
    sendEmpty(ctx.res, 204);
  };
  for (const prefix of ['/events', '/calendar/events', '/calendars/:calendarId/events']) {
    both('GET', `${prefix}/:eventId`, getEvent);
    both('PATCH', `${prefix}/:eventId`, patchEvent);
    both('DELETE', `${prefix}/:eventId`, deleteEvent);
  }

  both('GET', '/events/:eventId/instances', (ctx) => {
    const caller = auth(ctx, READ);
    const { ro, prefs, applied } = renderOptions(ctx);
    const [from, to] = windowParams(ctx);
    const found = store.find(caller.mailbox, ctx.params.eventId);
    if (!found || found.occurrence) throw mErrors.notFound();
    const rows = found.record.type === 'seriesMaster' ? store.instances(found.record, from, to) : [];
    sendPage(ctx, rows.map((row) => shape(store, row.record, store.render(row.record, ro, row.occurrence), ctx)), prefs, applied, deps.defaultPageSize);
  });

  // ------------------------------------------------------------------ calendarView and delta

  const calendarView = (ctx: RequestContext) => {
    const caller = auth(ctx, READ);
    const { ro, prefs, applied } = renderOptions(ctx);
    const [from, to] = windowParams(ctx);
    const rows = store.view(calendarOf(ctx, caller), from, to);
    sendPage(ctx, rows.map((row) => shape(store, row.record, store.render(row.record, ro, row.occurrence), ctx)), prefs, applied, deps.defaultPageSize);
  };
  const delta = (ctx: RequestContext) => {
    const caller = auth(ctx, READ);
    const { ro, prefs, applied } = renderOptions(ctx);
    for (const option of ['$expand', '$filter', '$orderby', '$search']) {
      if (ctx.query.has(option)) throw mErrors.badRequest(`The query parameter '${option}' is not supported with change tracking over the 'calendarView' resource.`, 'ErrorInvalidUrlQuery');
    }
    const pageSize = prefs.maxPageSize;
    const headers = pageSize !== undefined ? { ...applied, 'preference-applied': [applied['preference-applied'], `odata.maxpagesize=${pageSize}`].filter(Boolean).join(',') } : applied;
    const deltaToken = ctx.query.get('$deltatoken') ?? ctx.query.get('$deltaToken');
    const skipToken = ctx.query.get('$skiptoken') ?? ctx.query.get('$skipToken');
    let page: Json;
    if (skipToken) page = deps.delta.page(caller.mailbox, skipToken, ro);
    else if (deltaToken) page = deps.delta.fromToken(caller.mailbox, deltaToken, ro, pageSize);
    else {
      const [from, to] = windowParams(ctx);
      page = deps.delta.initial(caller.mailbox, calendarOf(ctx, caller), linkPath(ctx), from, to, ro, pageSize);
    }
    send(ctx, 200, page, headers);
  };
  for (const prefix of ['', '/calendar', '/calendars/:calendarId']) {
    both('GET', `${prefix}/calendarView`, calendarView);
    both('GET', `${prefix}/calendarView/delta`, delta);
  }

  // ------------------------------------------------------------------ subscriptions

  router.add('POST', '/v1.0/subscriptions', 'api', async (ctx) => {
    const caller = auth(ctx, READ);
    const { prefs } = renderOptions(ctx);
    const created = await deps.subscriptions.create(await body(ctx), caller, { immutableIds: prefs.immutableIds, publicUrl: deps.publicUrl() });
    send(ctx, 201, created);
  });
  router.add('GET', '/v1.0/subscriptions', 'api', (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, { '@odata.context': `${deps.publicUrl()}/v1.0/$metadata#subscriptions`, value: deps.subscriptions.list(caller, deps.publicUrl()) });
  });
  router.add('GET', '/v1.0/subscriptions/:subscriptionId', 'api', (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, deps.subscriptions.get(ctx.params.subscriptionId, caller, deps.publicUrl()));
  });
  router.add('PATCH', '/v1.0/subscriptions/:subscriptionId', 'api', async (ctx) => {
    const caller = auth(ctx, READ);
    send(ctx, 200, deps.subscriptions.update(ctx.params.subscriptionId, await body(ctx), caller, deps.publicUrl()));
  });
  router.add('POST', '/v1.0/subscriptions/:subscriptionId/reauthorize', 'api', (ctx) => {
    const caller = auth(ctx, READ);
    deps.subscriptions.reauthorize(ctx.params.subscriptionId, caller);
    sendEmpty(ctx.res, 204);
  });
  router.add('DELETE', '/v1.0/subscriptions/:subscriptionId', 'api', (ctx) => {
    const caller = auth(ctx, READ);
    deps.subscriptions.delete(ctx.params.subscriptionId, caller);
    sendEmpty(ctx.res, 204);
  });
}

/** `startDateTime`/`endDateTime` (ISO 8601; UTC when no offset). */
function windowParams(ctx: RequestContext): [number, number] {
  const read = (name: string) => {
    const raw = ctx.query.get(name) ?? ctx.query.get(name.toLowerCase()) ?? ctx.query.get(name[0].toUpperCase() + name.slice(1));
    if (raw === null) return undefined;
    // A "+" in an unencoded offset arrives as a space.
    const parsed = parseDateTime(raw.replace(' ', '+'));
    if (!parsed) throw mErrors.badRequest(`The value '${raw}' of parameter '${name}' is not a valid date-time.`, 'ErrorInvalidParameter');
    return instantOf(parsed, 'UTC');
  };
  const from = read('startDateTime');
  const to = read('endDateTime');
  if (from === undefined || to === undefined) {
    throw mErrors.badRequest('This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.', 'ErrorInvalidParameter');
  }
  if (to <= from) throw mErrors.badRequest('The parameter EndDateTime must be later than StartDateTime.', 'ErrorInvalidParameter');
  return [from, to];
}

/** `$top`/`Prefer: odata.maxpagesize` paging with `$skip` links (10 per page by default). */
function sendPage(ctx: RequestContext, items: Json[], prefs: Preferences, applied: Record<string, string>, defaultPageSize: number): void {
  const top = ctx.query.get('$top');
  const size = Math.min(Math.max(1, top !== null ? Number(top) || defaultPageSize : (prefs.maxPageSize ?? defaultPageSize)), 1000);
  const skip = Math.max(0, Number(ctx.query.get('$skip') ?? 0) || 0);
  const out: Json = { value: items.slice(skip, skip + size) };
  if (skip + size < items.length) {
    const next = new URL(ctx.url.toString());
    next.searchParams.set('$skip', String(skip + size));
    const base = `${ctx.url.protocol}//${ctx.url.host}`;
    out['@odata.nextLink'] = `${base}${next.pathname}?${next.searchParams.toString().replace(/%24/g, '$')}`;
  }
  send(ctx, 200, out, applied);
}

/** `$select` projection and `$expand=singleValueExtendedProperties($filter=id eq '…')`. */
function shape(store: GraphStore, record: MEventRecord, rendered: Json, ctx: RequestContext): Json {
  let out = rendered;
  const select = ctx.query.get('$select');
  if (select) {
    const keep = new Set(select.split(',').map((s) => s.trim()));
    out = Object.fromEntries(Object.entries(rendered).filter(([k]) => k === 'id' || k === '@odata.etag' || keep.has(k)));
  }
  const expand = ctx.query.get('$expand');
  if (expand) {
    const m = /singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*(.+)\)\s*$/i.exec(expand.trim());
    if (!m) throw mErrors.badRequest(`Unsupported $expand '${expand}' (the emulator supports singleValueExtendedProperties($filter=id eq '…')).`);
    const ids = [...m[1].matchAll(/id\s+eq\s+'((?:[^']|'')*)'/gi)].map((x) => x[1].replace(/''/g, "'"));
    const props = store.extendedProperties(record, ids);
    if (props.length) out = { ...out, singleValueExtendedProperties: props };
  }
  return out;
}

/** `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')` on event lists. */
function extendedPropertyFilter(filter: string): (record: MEventRecord) => boolean {
  const m = /^singleValueExtendedProperties\/Any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)$/i.exec(filter.trim());
  if (!m) {
    throw mErrors.badRequest(
      "The emulator supports only $filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…') on event lists.",
      'ErrorInvalidUrlQueryFilter',
    );
  }
  // "Filtering the string name (Name) in the id … is case-sensitive. Filtering the value … is case-insensitive."
  const key = extendedPropertyKey(m[2].replace(/''/g, "'"));
  const value = m[3].replace(/''/g, "'").toLowerCase();
  return (record) => {
    const property = key ? record.extended.get(key) : undefined;
    return property !== undefined && property.value.toLowerCase() === value;
  };
}
