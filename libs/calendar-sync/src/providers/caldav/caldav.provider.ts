import { MetricsService } from '@calbridge/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
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
import { CaldavMetadata, discoverAccount, listEventCalendars } from './caldav-discovery';
import { classifyCaldavError } from './caldav-errors';
import { listEtags, pullCalendar, SyncedObject } from './caldav-sync';
import { caldavFetch } from './caldav-transport';
import { DavClient, etagOf, httpError, normalizeEtag, pathOf, withSlash } from './dav-client';
import { contentHashOf, readEventResource, renderEventResource } from './event-resource';
import { assertServerUrlAllowed } from './server-url-policy';

/** What calbridge keeps, encrypted, for a CalDAV account. */
interface CaldavCredentials {
  username: string;
  password: string;
}

/**
 * CalDAV (RFC 4791) and iCloud, over tsdav's request helpers with calbridge's own transport.
 * Discovery and calendar listing: caldav-discovery.ts; pull (sync-collection, etag listings,
 * multiget): caldav-sync.ts; requests and DAV XML: dav-client.ts; the iCalendar objects:
 * event-resource.ts. Push is here: one resource per job at `<calendar>/<key>.ics`,
 * `If-None-Match: *` to create, `If-Match` to update.
 */
@Injectable()
export class CaldavProvider implements CalendarProvider {
  readonly key = 'caldav';
  readonly displayName = 'CalDAV';
  /** CalDAV has no way to ask for a meeting: jobs asking for one get it reported unavailable. */
  readonly capabilities = { watch: false, meetings: [] };
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
      const dav = this.clientFor(credentials);
      const metadata = await discoverAccount(input.serverUrl, dav);
      const email = metadata.userAddresses[0]?.replace(/^mailto:/i, '') ?? input.username;
      return {
        accountId: input.username.trim().toLowerCase(),
        accountEmail: email.includes('@') ? email : input.username,
        serverUrl: input.serverUrl,
        credentials: { ...credentials },
        metadata: { ...metadata },
        calendars: await listEventCalendars(dav, metadata.homeUrl),
      };
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  listCalendars(account: AccountContext): Promise<RemoteCalendar[]> {
    return listEventCalendars(this.client(account), this.metadataOf(account).homeUrl);
  }

  pullChanges(account: AccountContext, calendar: CalendarRef, request: PullRequest): Promise<PullResult> {
    return pullCalendar(this.client(account), calendar, request, (object) => this.read(account, calendar, request, object));
  }

  async upsertEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<UpsertResult> {
    const dav = this.client(account);
    const url = objectUrl(calendar, event.key, current?.externalId ?? null);
    const body = renderEventResource(event);
    let writes = 0;
    if (current?.etag) {
      writes++;
      const res = await dav.put(url, body, { 'If-Match': current.etag });
      if (res.ok) return { externalId: pathOf(url), etag: await etagAfterWrite(dav, url, res), writes };
      // Changed in the calendar since we wrote it: calbridge owns pushed events, so it is overwritten.
      if (res.status === 412) return overwrite(dav, url, body, event, writes, false);
      if (res.status !== 404) throw await httpError(res, 'PUT (update)');
      // Someone deleted it: create it again below.
    }
    writes++;
    const res = await dav.put(url, body, { 'If-None-Match': '*' });
    if (res.ok) return { externalId: pathOf(url), etag: await etagAfterWrite(dav, url, res), writes };
    // Already there: a retry after a crash between our write and the mapping write.
    if (res.status === 412) return overwrite(dav, url, body, event, writes, true);
    throw await httpError(res, 'PUT (create)');
  }

  async deleteEvent(account: AccountContext, calendar: CalendarRef, target: PushTarget): Promise<void> {
    // No If-Match: the object is ours, and an edit made in the calendar must not keep it alive.
    const res = await this.client(account).delete(objectUrl(calendar, target.key, target.externalId));
    if (res.ok || res.status === 404 || res.status === 410) return;
    throw await httpError(res, 'DELETE');
  }

  async inventory(account: AccountContext, calendar: CalendarRef, keyPrefix: string): Promise<InventoryItem[]> {
    const listing = await listEtags(this.client(account), calendar.externalId);
    const items: InventoryItem[] = [];
    for (const [externalId, etag] of listing) {
      const file = decodeURIComponent(externalId.split('/').pop() ?? '');
      if (file.startsWith(keyPrefix) && file.endsWith('.ics')) items.push({ key: file.slice(0, -4), externalId, etag });
    }
    return items;
  }

  /** What a fetched object blocks; an unreadable one blocks nothing (and is not fetched again until it changes). */
  private read(account: AccountContext, calendar: CalendarRef, request: PullRequest, object: SyncedObject): RemoteEvent {
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
      this.logger.warn({ calendarId: calendar.id, err: (error as Error).message }, 'Skipped an unreadable calendar object');
      return { externalId: object.externalId, etag: object.etag, ours: false, busy: [] };
    }
  }

  private client(account: AccountContext): DavClient {
    return this.clientFor(this.credentialsOf(account));
  }

  private clientFor(credentials: CaldavCredentials): DavClient {
    return new DavClient(
      caldavFetch({
        username: credentials.username,
        password: credentials.password,
        policy: this.policy(),
        timeoutMs: this.config.http.timeoutMs,
        onRequest: (method) => this.requests.inc({ provider: this.key, method }),
        onResponse: this.responses,
      }),
    );
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

/**
 * The object exists. After a crash (`mayAdopt`) it is adopted when its content hash marker says
 * it already carries this content; otherwise (an edit made in the calendar) it is overwritten.
 */
async function overwrite(dav: DavClient, url: string, body: string, event: OutboundEvent, writes: number, mayAdopt: boolean): Promise<UpsertResult> {
  const res = await dav.get(url);
  if (res.status === 404) {
    const created = await dav.put(url, body, { 'If-None-Match': '*' });
    if (!created.ok) throw await httpError(created, 'PUT (create)');
    return { externalId: pathOf(url), etag: await etagAfterWrite(dav, url, created), writes: writes + 1 };
  }
  if (!res.ok) throw await httpError(res, 'GET');
  const existing = await res.text();
  const etag = normalizeEtag(res.headers.get('etag'));
  if (mayAdopt && contentHashOf(existing) === event.contentHash && etag) return { externalId: pathOf(url), etag, writes };
  const put = await dav.put(url, body, etag ? { 'If-Match': etag } : {});
  if (!put.ok) throw await httpError(put, 'PUT (overwrite)');
  return { externalId: pathOf(url), etag: await etagAfterWrite(dav, url, put), writes: writes + 1 };
}

/** The new etag: from the PUT answer when the server sends one (RFC 4791 5.3.4 lets it not), else asked for. */
async function etagAfterWrite(dav: DavClient, url: string, res: Response): Promise<string | null> {
  const etag = normalizeEtag(res.headers.get('etag'));
  if (etag) return etag;
  const [r] = await dav.propfind(url, '0', { 'd:getetag': {} });
  return etagOf(r?.props?.getetag);
}

function objectUrl(calendar: CalendarRef, key: string, externalId: string | null): string {
  if (externalId) return new URL(externalId, calendar.externalId).href;
  return new URL(`${encodeURIComponent(key)}.ics`, withSlash(calendar.externalId)).href;
}
