import type { CalendarRef, PullRequest, PullResult, RemoteEvent } from '../calendar-provider';
import { ProviderError } from '../provider-error';
import { CaldavHttpError } from './caldav-errors';
import { calendarDataOf, DavClient, etagOf, failedAnswer, pathOf, textOf, withSlash } from './dav-client';

/** A calendar object as listed: its path, version and (once fetched) its iCalendar text. */
export interface SyncedObject {
  externalId: string;
  etag: string | null;
  data: string | null;
}

/** Opaque to the engine: RFC 6578 sync token when the server has them, the collection ctag otherwise. */
interface CaldavCursor {
  syncToken?: string;
  ctag?: string;
}

const MULTIGET_CHUNK = 200;
const MAX_SYNC_ROUNDS = 50;

/**
 * Pull of one CalDAV calendar: RFC 6578 sync-collection with the stored token; a full listing
 * compares etags with what the engine knows and fetches only what changed (also the fallback
 * for servers without sync tokens, with the ctag as a cheap "anything new?" check). `read` turns
 * a fetched object into what it blocks.
 */
export async function pullCalendar(
  dav: DavClient,
  calendar: CalendarRef,
  request: PullRequest,
  read: (object: SyncedObject) => RemoteEvent,
): Promise<PullResult> {
  const cursor = parseCursor(request.cursor);
  const supportsSync = calendar.metadata.syncCollection === true;
  if (cursor?.syncToken && supportsSync) {
    const delta = await syncCollection(dav, calendar.externalId, cursor.syncToken, true);
    if (delta === 'expired') return { kind: 'cursor_expired', reason: 'The server no longer accepts the sync token' };
    const fetched = await fetchMissingData(dav, calendar.externalId, delta.changed);
    return {
      kind: 'changes',
      upserts: fetched.map(read),
      deletions: delta.deleted,
      complete: false,
      unchanged: [],
      nextCursor: JSON.stringify({ syncToken: delta.token } satisfies CaldavCursor),
    };
  }
  if (cursor?.ctag && !supportsSync) {
    const current = await ctag(dav, calendar.externalId);
    if (current && current === cursor.ctag) {
      return { kind: 'changes', upserts: [], deletions: [], complete: false, unchanged: [], nextCursor: request.cursor };
    }
  }
  return fullListing(dav, calendar, request, supportsSync, read);
}

/** href -> etag of every object in the collection (PROPFIND depth 1). */
export async function listEtags(dav: DavClient, calendarUrl: string): Promise<Map<string, string | null>> {
  const responses = await dav.propfind(calendarUrl, '1', { 'd:getetag': {}, 'd:resourcetype': {} });
  const listing = new Map<string, string | null>();
  for (const r of responses) {
    if (!r.href || !r.ok) continue;
    const path = pathOf(new URL(r.href, calendarUrl).href);
    if (withSlash(path) === pathOf(calendarUrl) || Object.keys(r.props?.resourcetype ?? {}).includes('collection')) continue;
    listing.set(path, etagOf(r.props?.getetag));
  }
  return listing;
}

/** Everything in the calendar: list versions, fetch only objects whose etag the engine does not know. */
async function fullListing(
  dav: DavClient,
  calendar: CalendarRef,
  request: PullRequest,
  supportsSync: boolean,
  read: (object: SyncedObject) => RemoteEvent,
): Promise<PullResult> {
  let listing: Map<string, string | null>;
  let token: string | undefined;
  if (supportsSync) {
    const initial = await syncCollection(dav, calendar.externalId, '', false);
    if (initial === 'expired') throw new ProviderError('Transient', 'The server refused an initial sync-collection');
    listing = new Map(initial.changed.map((o) => [o.externalId, o.etag]));
    token = initial.token;
  } else {
    listing = await listEtags(dav, calendar.externalId);
  }
  const collectionTag = supportsSync ? undefined : await ctag(dav, calendar.externalId);
  const known = await request.knownVersions();
  const changed: SyncedObject[] = [];
  const unchanged: string[] = [];
  for (const [externalId, etag] of listing) {
    if (etag && known.get(externalId) === etag) unchanged.push(externalId);
    else changed.push({ externalId, etag, data: null });
  }
  const fetched = await fetchMissingData(dav, calendar.externalId, changed);
  const deletions = [...known.keys()].filter((id) => !listing.has(id));
  return {
    kind: 'changes',
    upserts: fetched.map(read),
    deletions,
    complete: true,
    unchanged,
    nextCursor: JSON.stringify((token ? { syncToken: token } : { ctag: collectionTag ?? undefined }) satisfies CaldavCursor),
  };
}

/**
 * RFC 6578 sync-collection from `token` ('' = initial). Follows truncated answers (507 on the
 * collection) with the token they carry. Returns 'expired' for a rejected token: tsdav would
 * report "no changes" here, so the answer is read directly.
 */
async function syncCollection(
  dav: DavClient,
  calendarUrl: string,
  token: string,
  withData: boolean,
): Promise<{ changed: SyncedObject[]; deleted: string[]; token: string } | 'expired'> {
  const changed = new Map<string, SyncedObject>();
  const deleted = new Set<string>();
  let current = token;
  for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
    // RFC 6578 3.2: the report is defined for Depth 0 only (its scope is set by sync-level).
    const responses = await dav.report(calendarUrl, 'd', '0', {
      'sync-collection': {
        _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
        'sync-token': current,
        'sync-level': 1,
        prop: withData ? { 'd:getetag': {}, 'c:calendar-data': {} } : { 'd:getetag': {} },
      },
    });
    const failed = failedAnswer(responses);
    if (failed) {
      const body = typeof failed.raw === 'string' ? failed.raw : JSON.stringify(failed.raw ?? '');
      if ((failed.status === 403 || failed.status === 409) && /valid-sync-token/i.test(body)) return 'expired';
      throw new CaldavHttpError(failed.status, 'REPORT sync-collection', body);
    }
    const nextToken = textOf(responses[0]?.raw?.multistatus?.syncToken);
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
async function fetchMissingData(dav: DavClient, calendarUrl: string, objects: SyncedObject[]): Promise<SyncedObject[]> {
  const missing = objects.filter((o) => o.data === null);
  if (!missing.length) return objects;
  const byId = new Map(objects.map((o) => [o.externalId, o]));
  const origin = new URL(calendarUrl).origin;
  for (let i = 0; i < missing.length; i += MULTIGET_CHUNK) {
    const chunk = missing.slice(i, i + MULTIGET_CHUNK);
    const responses = await dav.report(calendarUrl, 'c', '1', {
      'calendar-multiget': {
        _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
        'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
        'd:href': chunk.map((o) => o.externalId),
      },
    });
    const failed = failedAnswer(responses);
    if (failed) throw new CaldavHttpError(failed.status, 'REPORT calendar-multiget', typeof failed.raw === 'string' ? failed.raw : '');
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

async function ctag(dav: DavClient, calendarUrl: string): Promise<string | null> {
  const [r] = await dav.propfind(calendarUrl, '0', { 'cs:getctag': {} });
  return textOf(r?.props?.getctag) || null;
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
