import type { BusyInstance } from '@calbridge/icalendar';
import type { ProviderError } from './provider-error';

/**
 * The one interface every calendar provider implements (CalDAV, Google, Microsoft).
 *
 * Providers never touch the database: the engine hands them what they need (decrypted
 * credentials, non-secret account metadata, the stored cursor, the versions it already knows)
 * and stores what they return. Every failure leaves a provider as a {@link ProviderError}
 * produced by the provider's one `classifyError` function.
 */
export interface CalendarProvider {
  /** Registry key, stored on each connection (`caldav`, `google`, `microsoft`). */
  readonly key: string;
  readonly displayName: string;
  readonly capabilities: ProviderCapabilities;

  /** OAuth providers: where to send the user (state signed by the engine, PKCE challenge). */
  authorizationUrl?(request: AuthorizationRequest): string;

  /**
   * Validates fresh credentials and discovers the account (CalDAV: principal, calendar home,
   * user addresses; OAuth: code exchange and the account's identity).
   */
  connect(input: ConnectInput): Promise<ConnectedAccount>;

  /** Calendars of the account (event calendars only). */
  listCalendars(account: AccountContext): Promise<RemoteCalendar[]>;

  /**
   * Changes since `cursor` (null: a full listing). Returns upserts, deletions and the next
   * cursor, or `cursor_expired` when the provider rejects the cursor (Google 410, Graph
   * syncStateNotFound, CalDAV valid-sync-token): the engine then asks again with `cursor: null`.
   */
  pullChanges(account: AccountContext, calendar: CalendarRef, request: PullRequest): Promise<PullResult>;

  /**
   * Creates or updates the event with the engine's deterministic key, idempotently: creating an
   * event that already exists (a retry after a crash between the remote write and the mapping
   * write) adopts it instead of duplicating it (CalDAV: deterministic UID and `If-None-Match: *`;
   * Google: client-chosen event id; Graph: `transactionId`). `current` is the stored mapping, if any.
   */
  upsertEvent(account: AccountContext, calendar: CalendarRef, event: OutboundEvent, current: PushedEventRef | null): Promise<UpsertResult>;

  /** Removes the event; an event that is already gone counts as removed. */
  deleteEvent(account: AccountContext, calendar: CalendarRef, target: PushTarget): Promise<void>;

  /**
   * calbridge-marked events of one connection in a calendar (`keyPrefix` identifies the
   * connection's keys), for the nightly drift repair. Optional: without it the engine trusts its mappings.
   */
  inventory?(account: AccountContext, calendar: CalendarRef, keyPrefix: string): Promise<InventoryItem[]>;

  /** Push notifications (Google channels, Graph subscriptions). Absent for CalDAV (poll). */
  watch?(account: AccountContext, calendar: CalendarRef, request: WatchRequest): Promise<WatchChannel>;
  unwatch?(account: AccountContext, channel: WatchChannel): Promise<void>;
  /**
   * Extends a channel in place (Graph: `PATCH` of the subscription, which also reauthorizes it).
   * Optional: without it the engine replaces an expiring channel by a new one (Google has no
   * renewal call). A channel the provider no longer knows fails with `NotFound`.
   */
  renewWatch?(account: AccountContext, channel: WatchChannel, expiresAt: Date): Promise<WatchChannel>;

  /** The one place this provider's SDK/HTTP errors become engine codes. Pure. */
  classifyError(error: unknown): ProviderError;
}

export interface ProviderCapabilities {
  /** The provider can notify us of changes (watch/unwatch); otherwise the engine polls. */
  watch: boolean;
  /**
   * Meetings the provider's calendars can create for an event ({@link OutboundEvent.conference}):
   * Google Calendar `google_meet`, Outlook `teams`, CalDAV none.
   */
  meetings?: ReadonlyArray<ConferenceRequest['provider']>;
}

/** Provider-specific secrets, stored encrypted by the engine (app password, OAuth tokens). */
export type ProviderCredentials = Record<string, unknown>;

/** Provider-specific non-secret account data (discovered URLs, user addresses, time zone). */
export type ProviderMetadata = Record<string, unknown>;

export type ConnectInput =
  | { kind: 'password'; serverUrl: string; username: string; password: string }
  | { kind: 'oauth_code'; code: string; codeVerifier: string; redirectUri: string };

export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
  redirectUri: string;
}

export interface ConnectedAccount {
  /** Stable identity of the account at the provider (lower-cased user name or e-mail). */
  accountId: string;
  /** What to show the user. */
  accountEmail: string;
  /** Where the account lives (CalDAV root after discovery; null for the big providers). */
  serverUrl: string | null;
  credentials: ProviderCredentials;
  metadata: ProviderMetadata;
  calendars: RemoteCalendar[];
}

/** What a provider gets to act for an account. */
export interface AccountContext {
  connectionId: string;
  accountId: string;
  serverUrl: string | null;
  credentials: ProviderCredentials;
  metadata: ProviderMetadata;
  /**
   * The provider renewed credentials (an OAuth access token refresh): the engine stores them,
   * encrypted, before the call returns, and `credentials` holds them from then on.
   */
  updateCredentials(next: ProviderCredentials): Promise<void>;
}

export interface RemoteCalendar {
  /** Provider id of the calendar (CalDAV collection URL, Google calendar id, Graph id). */
  externalId: string;
  name: string;
  color: string | null;
  timezone: string | null;
  readOnly: boolean;
  /**
   * The account's main calendar (Google's primary, Outlook's default calendar): on connect it
   * becomes the push target and the pull source. Without one, calbridge pushes into the first
   * writable calendar and pulls from all of them.
   */
  primary?: boolean;
  /** Provider data the engine keeps with the calendar and hands back (e.g. supported reports). */
  metadata: ProviderMetadata;
}

export interface CalendarRef {
  /** calbridge's id of the calendar. */
  id: string;
  externalId: string;
  timezone: string | null;
  metadata: ProviderMetadata;
}

export interface PullRequest {
  /** Opaque provider cursor from the previous pull; null asks for a full listing. */
  cursor: string | null;
  /** Occurrences outside [from, to) are not returned (recurring events are expanded inside it). */
  window: { from: Date; to: Date };
  /** Zone for floating times and all-day events when the event and the calendar name none. */
  defaultZone: string;
  /**
   * Versions (etags) of the objects the engine already knows in this calendar, loaded on demand:
   * lets a full listing fetch only what changed (CalDAV ctag/etag comparison).
   */
  knownVersions(): Promise<Map<string, string | null>>;
}

export type PullResult =
  | {
      kind: 'changes';
      upserts: RemoteEvent[];
      /** External ids of objects that are gone. */
      deletions: string[];
      /**
       * True when `upserts` plus `unchanged` is the calendar's whole content: every other
       * object the engine knows is gone (a full listing).
       */
      complete: boolean;
      /** External ids listed but not fetched because their version is unchanged (complete listings). */
      unchanged: string[];
      nextCursor: string | null;
    }
  | { kind: 'cursor_expired'; reason: string };

/** One remote object (an event with its recurrence and overrides), already interpreted. */
export interface RemoteEvent {
  externalId: string;
  etag: string | null;
  /** Carries the calbridge marker: an event we pushed. Never becomes a blocked slot. */
  ours: boolean;
  /**
   * Occurrences inside the window that block time: transparent/free, cancelled and declined
   * occurrences are already left out; recurring events are expanded (EXDATEs and overridden
   * instances honoured); all-day occurrences span whole days in their zone.
   */
  busy: BusyInstance[];
}

/** One interval a remote event blocks (the codec's type: Google, Graph and CalDAV all produce it). */
export type { BusyInstance };

/** A job as it should appear in a staff member's calendar (privacy rules already applied). */
export interface OutboundEvent {
  /** Deterministic per (connection, job): CalDAV UID/file name, Google event id (base32hex), Graph transactionId. */
  key: string;
  jobId: string;
  connectionId: string;
  title: string;
  description: string;
  location: string | null;
  url: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  /** IANA zone of the venue. */
  timezone: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /**
   * The job asks for a meeting the calendar is to create (it has no join link yet). `requestId`
   * is the event key plus the job's request token: the same request on every write of this event
   * (the provider ignores a repeat, so one meeting per event), a new one only when the dispatcher
   * asks anew. Null once the job has its link (which then travels in the description like any
   * remote link).
   */
  conference?: ConferenceRequest | null;
  /** Grows with every change (the job version). */
  sequence: number;
  /** Hash of everything above but the sequence: equal hashes need no remote write. */
  contentHash: string;
}

export interface PushedEventRef {
  externalId: string;
  etag: string | null;
}

export interface PushTarget {
  key: string;
  externalId: string | null;
  etag: string | null;
}

export interface ConferenceRequest {
  provider: 'google_meet' | 'teams';
  requestId: string;
  /** The job's request token (part of `requestId`), reported back with the outcome. */
  token: string | null;
}

/** What became of an event's conference request. */
export type MeetingOutcome = { status: 'created'; url: string } | { status: 'pending' } | { status: 'unavailable'; reason: string };

export interface UpsertResult extends PushedEventRef {
  /** Remote writes it took (0 when an existing identical event was adopted). */
  writes: number;
  /** Only when the event carried a conference request. */
  meeting?: MeetingOutcome;
}

export interface InventoryItem {
  key: string;
  externalId: string;
  etag: string | null;
}

export interface WatchRequest {
  /** Where the provider should call us. */
  webhookUrl: string;
  /** Secret the provider echoes back so the webhook can authenticate the call. */
  token: string;
  expiresAt: Date;
}

export interface WatchChannel {
  /** The provider's id of the channel (Google channel id, Graph subscription id). */
  id: string;
  /** Google's resourceId (needed to stop a channel); null elsewhere. */
  resourceId: string | null;
  /** When the provider drops the channel (it may grant less than asked). */
  expiresAt: Date;
}
