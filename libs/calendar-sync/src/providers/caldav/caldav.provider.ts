import { MetricsService } from '@calbridge/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { davRequest, DAVResponse, propfind, serviceDiscovery } from 'tsdav';
import { contentHashOf, readEventResource, renderEventResource } from './event-resource';
import { syncConfig } from '../../sync.config';
import type {
  AccountContext,
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
} from '../calendar-provider';
import { ProviderError } from '../provider-error';
import { remoteRequestsCounter, responseRecorder } from '../remote-requests';
import { CaldavHttpError, classifyCaldavError } from './caldav-errors';
import { caldavFetch } from './caldav-transport';
import { assertServerUrlAllowed } from './server-url-policy';

/** What calbridge keeps, encrypted, for a CalDAV account. */
interface CaldavCredentials {
  username: string;
  password: string;
}

/** Non-secret discovery results. */
interface CaldavMetadata {
  principalUrl: string;
  homeUrl: string;
  userAddresses: string[];
}

/** Opaque to the engine: RFC 6578 sync token when the server has them, the collection ctag otherwise. */
interface CaldavCursor {
  syncToken?: string;
  ctag?: string;
}

const MULTIGET_CHUNK = 200;
const MAX_SYNC_ROUNDS = 50;

/**
 * CalDAV (RFC 4791) and iCloud, over tsdav's request helpers with calbridge's own transport.
 * Pull: RFC 6578 sync-collection with the stored token; a full listing compares etags with what
 * the engine knows and fetches only what changed (also the fallback for servers without sync
 * tokens, with the ctag as a cheap "anything new?" check). Push: one resource per job at
 * `<calendar>/<key>.ics`, `If-None-Match: *` to create, `If-Match` to update.
 */
@Injectable()
export class CaldavProvider implements CalendarProvider {
  readonly key = 'caldav';
  readonly displayName = 'CalDAV';
  readonly capabilities = { watch: false };
  private readonly logger = new Logger(CaldavProvider.name);
  private readonly requests;
  private readonly responses: (status: number | undefined) => void;

  constructor(
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    this.requests = remoteRequestsCounter(metrics);
    this.responses = responseRecorder(metrics, this.key);
  }

  classifyError(error: unknown): ProviderError {
    return classifyCaldavError(error);
  }

  async connect(input: ConnectInput): Promise<ConnectedAccount> {
    if (input.kind !== 'password') throw new ProviderError('Permanent', 'CalDAV accounts connect with a user name and an app password');
    try {
      await assertServerUrlAllowed(input.serverUrl, this.policy());
      const credentials: CaldavCredentials = { username: input.username, password: input.password };
      const fetch = this.fetchFor(credentials);
      const principalUrl = await this.findPrincipal(input.serverUrl, fetch);
      const [principal] = await propfind({
        url: principalUrl,
        depth: '0',
        props: { 'c:calendar-home-set': {}, 'c:calendar-user-address-set': {}, 'd:displayname': {} },
        fetch,
      });
      assertOk(principal, 'PROPFIND principal');
      const homeHref = firstHref(principal.props?.calendarHomeSet);
      if (!homeHref) throw new ProviderError('Permanent', 'The CalDAV server names no calendar home for this account');
      const metadata: CaldavMetadata = {
        principalUrl,
        homeUrl: withSlash(new URL(homeHref, principalUrl).href),
        userAddresses: hrefs(principal.props?.calendarUserAddressSet).filter((a) => /^mailto:/i.test(a)),
      };
      const email = metadata.userAddresses[0]?.replace(/^mailto:/i, '') ?? input.username;
      const account: AccountContext = {
        connectionId: '',
        accountId: input.username.toLowerCase(),
        serverUrl: new URL(principalUrl).origin,
        credentials: { ...credentials },
        metadata: { ...metadata },
        updateCredentials: async () => undefined,
      };
      return {
        accountId: input.username.trim().toLowerCase(),
        accountEmail: email.includes('@') ? email : input.username,
        serverUrl: input.serverUrl,
        credentials: { ...credentials },
        metadata: { ...metadata },
        calendars: await this.listCalendars(account),
      };
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  async listCalendars(account: AccountContext): Promise<RemoteCalendar[]> {
    const { homeUrl } = this.metadataOf(account);
    const responses = await this.propfind(account, homeUrl, '1', {
      'd:displayname': {},
      'd:resourcetype': {},
      'ca:calendar-color': {},
      'c:calendar-timezone': {},
      'c:supported-calendar-component-set': {},
      'd:current-user-privilege-set': {},
      'd:supported-report-set': {},
    });
    return responses
      .filter((r) => r.ok && r.href && Object.keys(r.props?.resourcetype ?? {}).includes('calendar'))
      .filter((r) => {
        const components = componentNames(r.props?.supportedCalendarComponentSet);
        return components.length === 0 || components.includes('VEVENT');
      })
      .map((r) => {
        const url = withSlash(new URL(r.href!, homeUrl).href);
        const privileges = JSON.stringify(r.props?.currentUserPrivilegeSet ?? {});
        const reports = JSON.stringify(r.props?.supportedReportSet ?? {});
        return {
          externalId: url,
          name: textOf(r.props?.displayname) || decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url),
          color: textOf(r.props?.calendarColor) || null,
          timezone: tzidOf(textOf(r.props?.calendarTimezone)),
          readOnly: privileges !== '{}' && !/"(write|writeContent|all)"/.test(privileges),
          metadata: { syncCollection: /syncCollection/.test(reports) },
        };
      });
  }

  async pullChanges(account: AccountContext, calendar: CalendarRef, request: PullRequest): Promise<PullResult> {
    const cursor = parseCursor(request.cursor);
    const supportsSync = calendar.metadata.syncCollection === true;
    if (cursor?.syncToken && supportsSync) {
      const delta = await this.syncCollection(account, calendar.externalId, cursor.syncToken, true);
      if (delta === 'expired') return { kind: 'cursor_expired', reason: 'The server no longer accepts the sync token' };
      const fetched = await this.fetchMissingData(account, calendar, delta.changed);
      return {
        kind: 'changes',
        upserts: fetched.map((o) => this.interpret(account, calendar, request, o)),
        deletions: delta.deleted,
        complete: false,
        unchanged: [],
        nextCursor: JSON.stringify({ syncToken: delta.token } satisfies CaldavCursor),
      };
    }
    if (cursor?.ctag && !supportsSync) {
      const ctag = await this.ctag(account, calendar.externalId);
      if (ctag && ctag === cursor.ctag) {
        return { kind: 'changes', upserts: [], deletions: [], complete: false, unchanged: [], nextCursor: request.cursor };
      }
    }
    return this.fullListing(account, calendar, request, supportsSync);
  }

  async upsertEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<UpsertResult> {
    const url = this.objectUrl(calendar, event.key, current?.externalId ?? null);
    const body = renderEventResource(event);
    let writes = 0;
    if (current?.etag) {
      writes++;
      const res = await this.put(account, url, body, { 'If-Match': current.etag });
      if (res.ok) return { externalId: pathOf(url), etag: await this.etagAfterWrite(account, url, res), writes };
      // Changed in the calendar since we wrote it: calbridge owns pushed events, so it is overwritten.
      if (res.status === 412) return this.overwrite(account, url, body, event, writes, false);
      if (res.status !== 404) throw await httpError(res, 'PUT (update)');
      // Someone deleted it: create it again below.
    }
    writes++;
    const res = await this.put(account, url, body, { 'If-None-Match': '*' });
    if (res.ok) return { externalId: pathOf(url), etag: await this.etagAfterWrite(account, url, res), writes };
    // Already there: a retry after a crash between our write and the mapping write.
    if (res.status === 412) return this.overwrite(account, url, body, event, writes, true);
    throw await httpError(res, 'PUT (create)');
  }

  async deleteEvent(account: AccountContext, calendar: CalendarRef, target: PushTarget): Promise<void> {
    const url = this.objectUrl(calendar, target.key, target.externalId);
    // No If-Match: the object is ours, and an edit made in the calendar must not keep it alive.
    const res = await this.fetchFor(this.credentialsOf(account))(url, { method: 'DELETE' });
    await res.body?.cancel().catch(() => undefined);
    if (res.ok || res.status === 404 || res.status === 410) return;
    throw await httpError(res, 'DELETE');
  }

  async inventory(account: AccountContext, calendar: CalendarRef, keyPrefix: string): Promise<InventoryItem[]> {
    const listing = await this.listEtags(account, calendar.externalId);
    const items: InventoryItem[] = [];
    for (const [externalId, etag] of listing) {
      const file = decodeURIComponent(externalId.split('/').pop() ?? '');
      if (file.startsWith(keyPrefix) && file.endsWith('.ics')) items.push({ key: file.slice(0, -4), externalId, etag });
    }
    return items;
  }

  // ---- pull ---------------------------------------------------------------------------------

  /** Everything in the calendar: list versions, fetch only objects whose etag the engine does not know. */
  private async fullListing(account: AccountContext, calendar: CalendarRef, request: PullRequest, supportsSync: boolean): Promise<PullResult> {
    let listing: Map<string, string | null>;
    let token: string | undefined;
    if (supportsSync) {
      const initial = await this.syncCollection(account, calendar.externalId, '', false);
      if (initial === 'expired') throw new ProviderError('Transient', 'The server refused an initial sync-collection');
      listing = new Map(initial.changed.map((o) => [o.externalId, o.etag]));
      token = initial.token;
    } else {
      listing = await this.listEtags(account, calendar.externalId);
    }
    const ctag = supportsSync ? undefined : await this.ctag(account, calendar.externalId);
    const known = await request.knownVersions();
    const changed: SyncedObject[] = [];
    const unchanged: string[] = [];
    for (const [externalId, etag] of listing) {
      if (etag && known.get(externalId) === etag) unchanged.push(externalId);
      else changed.push({ externalId, etag, data: null });
    }
    const fetched = await this.fetchMissingData(account, calendar, changed);
    const deletions = [...known.keys()].filter((id) => !listing.has(id));
    return {
      kind: 'changes',
      upserts: fetched.map((o) => this.interpret(account, calendar, request, o)),
      deletions,
      complete: true,
      unchanged,
      nextCursor: JSON.stringify((token ? { syncToken: token } : { ctag: ctag ?? undefined }) satisfies CaldavCursor),
    };
  }

  /**
   * RFC 6578 sync-collection from `token` ('' = initial). Follows truncated answers (507 on the
   * collection) with the token they carry. Returns 'expired' for a rejected token: tsdav would
   * report "no changes" here, so the answer is read directly.
   */
  private async syncCollection(
    account: AccountContext,
    calendarUrl: string,
    token: string,
    withData: boolean,
  ): Promise<{ changed: SyncedObject[]; deleted: string[]; token: string } | 'expired'> {
    const changed = new Map<string, SyncedObject>();
    const deleted = new Set<string>();
    let current = token;
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      const responses = await davRequest({
        url: calendarUrl,
        init: {
          method: 'REPORT',
          namespace: 'd',
          // RFC 6578 3.2: the report is defined for Depth 0 only (its scope is set by sync-level).
          headers: { Depth: '0' },
          body: {
            'sync-collection': {
              _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
              'sync-token': current,
              'sync-level': 1,
              prop: withData ? { 'd:getetag': {}, 'c:calendar-data': {} } : { 'd:getetag': {} },
            },
          },
        },
        fetch: this.fetchFor(this.credentialsOf(account)),
      });
      const first = responses[0];
      if (responses.length === 1 && first && !first.raw?.multistatus && !first.ok) {
        const body = typeof first.raw === 'string' ? first.raw : JSON.stringify(first.raw ?? '');
        if ((first.status === 403 || first.status === 409) && /valid-sync-token/i.test(body)) return 'expired';
        throw new CaldavHttpError(first.status, 'REPORT sync-collection', body);
      }
      const multistatus = first?.raw?.multistatus;
      const nextToken = textOf(multistatus?.syncToken);
      let truncated = false;
      for (const r of responses) {
        if (!r.href) continue;
        const externalId = pathOf(new URL(r.href, calendarUrl).href);
        // The collection itself (507: the answer was truncated; iCloud also lists it with an etag) or a sub-collection.
        if (externalId.endsWith('/') || withSlash(externalId) === pathOf(calendarUrl)) {
          if (r.status === 507) truncated = true;
          continue;
        }
        if (r.status === 404 || r.status === 410) {
          deleted.add(externalId);
          changed.delete(externalId);
        } else if (r.ok) {
          deleted.delete(externalId);
          changed.set(externalId, { externalId, etag: etagOf(r.props?.getetag), data: calendarDataOf(r.props?.calendarData) });
        }
      }
      if (!nextToken) throw new CaldavHttpError(502, 'REPORT sync-collection', 'no sync-token in the answer');
      current = nextToken;
      if (!truncated) break;
    }
    return { changed: [...changed.values()], deleted: [...deleted], token: current };
  }

  /** Fetches calendar data (calendar-multiget, in chunks) for objects that came without it. */
  private async fetchMissingData(account: AccountContext, calendar: CalendarRef, objects: SyncedObject[]): Promise<SyncedObject[]> {
    const missing = objects.filter((o) => o.data === null);
    if (!missing.length) return objects;
    const byId = new Map(objects.map((o) => [o.externalId, o]));
    const origin = new URL(calendar.externalId).origin;
    for (let i = 0; i < missing.length; i += MULTIGET_CHUNK) {
      const chunk = missing.slice(i, i + MULTIGET_CHUNK);
      const responses = await davRequest({
        url: calendar.externalId,
        init: {
          method: 'REPORT',
          namespace: 'c',
          headers: { Depth: '1' },
          body: {
            'calendar-multiget': {
              _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
              'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
              'd:href': chunk.map((o) => o.externalId),
            },
          },
        },
        fetch: this.fetchFor(this.credentialsOf(account)),
      });
      const first = responses[0];
      if (responses.length === 1 && first && !first.raw?.multistatus && !first.ok) {
        throw new CaldavHttpError(first.status, 'REPORT calendar-multiget', typeof first.raw === 'string' ? first.raw : '');
      }
      for (const r of responses) {
        if (!r.href) continue;
        const externalId = pathOf(new URL(r.href, origin).href);
        if (r.status === 404) {
          byId.delete(externalId); // deleted between listing and fetching: the next pull reports it
          continue;
        }
        const target = byId.get(externalId);
        if (target && r.ok) {
          target.data = calendarDataOf(r.props?.calendarData);
          target.etag = etagOf(r.props?.getetag) ?? target.etag;
        }
      }
    }
    return [...byId.values()].filter((o) => o.data !== null);
  }

  private interpret(account: AccountContext, calendar: CalendarRef, request: PullRequest, object: SyncedObject): RemoteEvent {
    const { userAddresses } = this.metadataOf(account);
    const { username } = this.credentialsOf(account);
    try {
      const read = readEventResource(object.data ?? '', {
        window: request.window,
        zone: calendar.timezone ?? request.defaultZone,
        userAddresses: [...userAddresses, ...(username.includes('@') ? [`mailto:${username}`] : [])],
      });
      return { externalId: object.externalId, etag: object.etag, ours: read.ours, busy: read.busy };
    } catch (error) {
      // One unreadable object must not stop the calendar: it blocks nothing and is not fetched again until it changes.
      this.logger.warn({ calendarId: calendar.id, err: (error as Error).message }, 'Skipped an unreadable calendar object');
      return { externalId: object.externalId, etag: object.etag, ours: false, busy: [] };
    }
  }

  /** href -> etag of every object in the collection (PROPFIND depth 1). */
  private async listEtags(account: AccountContext, calendarUrl: string): Promise<Map<string, string | null>> {
    const responses = await this.propfind(account, calendarUrl, '1', { 'd:getetag': {}, 'd:resourcetype': {} });
    const listing = new Map<string, string | null>();
    for (const r of responses) {
      if (!r.href || !r.ok) continue;
      const path = pathOf(new URL(r.href, calendarUrl).href);
      if (withSlash(path) === pathOf(calendarUrl) || Object.keys(r.props?.resourcetype ?? {}).includes('collection')) continue;
      listing.set(path, etagOf(r.props?.getetag));
    }
    return listing;
  }

  private async ctag(account: AccountContext, calendarUrl: string): Promise<string | null> {
    const [r] = await this.propfind(account, calendarUrl, '0', { 'cs:getctag': {} });
    return textOf(r?.props?.getctag) || null;
  }

  // ---- push ---------------------------------------------------------------------------------

  /**
   * The object exists. After a crash (`mayAdopt`) it is adopted when its content hash marker says
   * it already carries this content; otherwise (an edit made in the calendar) it is overwritten.
   */
  private async overwrite(account: AccountContext, url: string, body: string, event: OutboundEvent, writes: number, mayAdopt: boolean): Promise<UpsertResult> {
    const res = await this.fetchFor(this.credentialsOf(account))(url, { method: 'GET' });
    if (res.status === 404) {
      const created = await this.put(account, url, body, { 'If-None-Match': '*' });
      if (!created.ok) throw await httpError(created, 'PUT (create)');
      return { externalId: pathOf(url), etag: await this.etagAfterWrite(account, url, created), writes: writes + 1 };
    }
    if (!res.ok) throw await httpError(res, 'GET');
    const existing = await res.text();
    const etag = normalizeEtag(res.headers.get('etag'));
    const hash = contentHashOf(existing);
    if (mayAdopt && hash === event.contentHash && etag) return { externalId: pathOf(url), etag, writes };
    const put = await this.put(account, url, body, etag ? { 'If-Match': etag } : {});
    if (!put.ok) throw await httpError(put, 'PUT (overwrite)');
    return { externalId: pathOf(url), etag: await this.etagAfterWrite(account, url, put), writes: writes + 1 };
  }

  private async put(account: AccountContext, url: string, body: string, headers: Record<string, string>): Promise<Response> {
    const res = await this.fetchFor(this.credentialsOf(account))(url, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'text/calendar; charset=utf-8', ...headers },
    });
    if (res.ok) await res.body?.cancel().catch(() => undefined);
    return res;
  }

  /** The new etag: from the PUT answer when the server sends one (RFC 4791 5.3.4 lets it not), else asked for. */
  private async etagAfterWrite(account: AccountContext, url: string, res: Response): Promise<string | null> {
    const etag = normalizeEtag(res.headers.get('etag'));
    if (etag) return etag;
    const [r] = await this.propfind(account, url, '0', { 'd:getetag': {} });
    return etagOf(r?.props?.getetag);
  }

  private objectUrl(calendar: CalendarRef, key: string, externalId: string | null): string {
    if (externalId) return new URL(externalId, calendar.externalId).href;
    return new URL(`${encodeURIComponent(key)}.ics`, withSlash(calendar.externalId)).href;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private async findPrincipal(serverUrl: string, fetch: typeof globalThis.fetch): Promise<string> {
    const discovered = await serviceDiscovery({ account: { serverUrl, accountType: 'caldav' }, fetch }).catch(() => serverUrl);
    const candidates = [...new Set([discovered, serverUrl, new URL('/', serverUrl).href])];
    for (const root of candidates) {
      const [r] = await propfind({ url: root, depth: '0', props: { 'd:current-user-principal': {} }, fetch });
      if (r?.status === 401) throw new CaldavHttpError(401, 'PROPFIND current-user-principal');
      const href = r?.ok ? firstHref(r.props?.currentUserPrincipal) : undefined;
      if (href) return new URL(href, root).href;
    }
    throw new ProviderError('Permanent', 'No CalDAV principal found at this server URL');
  }

  private async propfind(account: AccountContext, url: string, depth: '0' | '1', props: Record<string, object>): Promise<DAVResponse[]> {
    const responses = await propfind({ url, depth, props, fetch: this.fetchFor(this.credentialsOf(account)) });
    const first = responses[0];
    if (responses.length === 1 && first && !first.ok && !first.raw?.multistatus) {
      throw new CaldavHttpError(first.status, 'PROPFIND', typeof first.raw === 'string' ? first.raw : '');
    }
    return responses;
  }

  private fetchFor(credentials: CaldavCredentials): typeof fetch {
    return caldavFetch({
      username: credentials.username,
      password: credentials.password,
      policy: this.policy(),
      timeoutMs: this.config.http.timeoutMs,
      onRequest: (method) => this.requests.inc({ provider: this.key, method }),
      onResponse: this.responses,
    });
  }

  private policy() {
    return { allowedHosts: this.config.caldav.allowedHosts, allowPrivateNetworks: this.config.caldav.allowPrivateNetworks };
  }

  private credentialsOf(account: AccountContext): CaldavCredentials {
    const { username, password } = account.credentials as Partial<CaldavCredentials>;
    if (typeof username !== 'string' || typeof password !== 'string') throw new ProviderError('AuthRevoked', 'The stored CalDAV credentials are incomplete');
    return { username, password };
  }

  private metadataOf(account: AccountContext): CaldavMetadata {
    const m = account.metadata as Partial<CaldavMetadata>;
    if (typeof m.homeUrl !== 'string') throw new ProviderError('Permanent', 'The CalDAV account was never discovered (no calendar home)');
    return { principalUrl: m.principalUrl ?? '', homeUrl: m.homeUrl, userAddresses: Array.isArray(m.userAddresses) ? m.userAddresses : [] };
  }
}

interface SyncedObject {
  externalId: string;
  etag: string | null;
  data: string | null;
}

function parseCursor(raw: string | null): CaldavCursor | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as CaldavCursor;
    return typeof parsed === 'object' && parsed ? parsed : null;
  } catch {
    return null;
  }
}

async function httpError(res: Response, operation: string): Promise<CaldavHttpError> {
  const body = await res.text().catch(() => '');
  return new CaldavHttpError(res.status, operation, body.slice(0, 2000), res.headers.get('retry-after'));
}

function assertOk(r: DAVResponse | undefined, operation: string): asserts r is DAVResponse {
  if (!r) throw new CaldavHttpError(502, operation, 'empty answer');
  if (!r.ok) throw new CaldavHttpError(r.status, operation, typeof r.raw === 'string' ? r.raw : '');
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Object ids are URL paths: stable across the partition hosts a server may hand out. */
function pathOf(url: string): string {
  return new URL(url).pathname;
}

function normalizeEtag(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  return v.startsWith('"') || v.startsWith('W/') ? v : `"${v}"`;
}

function etagOf(value: unknown): string | null {
  const text = textOf(value);
  return text ? normalizeEtag(text) : null;
}

function calendarDataOf(value: unknown): string | null {
  const text = textOf(value);
  return text || null;
}

/** xml-js compact values: a string, a number, `{ _text }` or `{ _cdata }`. */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const v = value as { _text?: unknown; _cdata?: unknown };
    if (v._cdata !== undefined) return String(v._cdata);
    if (v._text !== undefined) return String(v._text);
  }
  return '';
}

function hrefs(value: unknown): string[] {
  const href = (value as { href?: unknown } | undefined)?.href;
  const list = Array.isArray(href) ? href : href === undefined ? [] : [href];
  return list.map(textOf).filter(Boolean);
}

function firstHref(value: unknown): string | undefined {
  return hrefs(value)[0];
}

function componentNames(value: unknown): string[] {
  const comp = (value as { comp?: unknown } | undefined)?.comp;
  const list = Array.isArray(comp) ? comp : comp === undefined ? [] : [comp];
  return list.map((c) => String((c as { _attributes?: { name?: string } })?._attributes?.name ?? '').toUpperCase()).filter(Boolean);
}

function tzidOf(vtimezone: string): string | null {
  const match = /^TZID:(.+)$/m.exec(vtimezone.replace(/\r/g, ''));
  return match ? match[1].trim() : null;
}
