import { registerMicrosoftOAuthRoutes } from '../oauth/microsoft-oauth';
import type { OAuthClientConfig } from '../oauth/oauth-authority';
import { accountDirectory, consentSettings, emulatorAuthority } from '../oauth/oauth-flow';
import { systemClock } from '../shared/clock';
import { CommonControls, commonControls, controlBody, controlCall, registerAccountControlRoutes, registerCommonControlRoutes } from '../shared/controls';
import { EmulatorHost } from '../shared/emulator-host';
import { CommonEmulatorOptions, DEFAULT_ACCOUNT } from '../shared/emulator-options';
import { HttpError, listen, sendEmpty, sendJson } from '../shared/http-kit';
import { uuid } from '../shared/ids';
import { DeliveryRecord, httpTransport, Notifier } from '../shared/notifier';
import { EmulatorTlsOptions, serverCertificate } from '../tls/emulator-tls';
import { DeltaExpiry, DeltaTracker } from './graph-delta';
import { mErrors } from './graph-errors';
import { parseEventInput } from './graph-model';
import { registerGraphRoutes } from './graph-routes';
import { GraphStore, Mailbox, MEventRecord } from './graph-store';
import { LifecycleEvent, SubscriptionRegistry } from './graph-subscriptions';

/** The development app registration the emulator knows unless told otherwise. */
export const MICROSOFT_DEV_CLIENT: OAuthClientConfig = {
  clientId: '6b4b7d1e-ca1b-4d9e-8e55-00000000c0de',
  clientSecret: 'calbridge-dev-microsoft-client-secret',
};

/** What `issueTokens` grants when no scopes are given: calbridge's minimal set. */
export const MICROSOFT_DEFAULT_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'Calendars.ReadWrite', 'User.Read'];

export interface MicrosoftEmulatorOptions extends CommonEmulatorOptions {
  /** Where the emulator CA lives and extra host names for the certificate (Graph needs HTTPS). */
  tls?: EmulatorTlsOptions;
  /** The tenant id in tokens and notifications (default a fixed GUID). */
  tenantId?: string;
  /** Page size of calendarView delta without `Prefer: odata.maxpagesize` (default 10). */
  deltaPageSize?: number;
  /** Largest honoured `odata.maxpagesize` (default 1000). */
  maxDeltaPageSize?: number;
  /** Delta tokens kept per mailbox before the oldest answer 410 (default 100). */
  deltaTokenCacheSize?: number;
  /** Longest subscription lifetime in minutes (default 4230, Outlook resources). */
  maxSubscriptionMinutes?: number;
  /** How long the validation handshake may take (default 10 s). */
  validationTimeoutMs?: number;
  /** How long a change notification may take before it counts as failed (default 3 s). */
  notificationTimeoutMs?: number;
  /** Refuse http:// notification URLs, as Graph does (default false, for local receivers). */
  requireHttpsNotificationUrl?: boolean;
  /** Occurrences per series and request at most (default 2500). */
  maxInstancesPerSeries?: number;
}

export interface MicrosoftAccountInfo {
  email: string;
  displayName: string;
  id: string;
  defaultCalendarId: string;
  calendars: Array<{ id: string; name: string; isDefault: boolean }>;
}

/** An event as a control helper returns it: rendered with immutable ids, plus its REST id. */
export type MicrosoftUserEvent = Record<string, unknown> & { id: string; restId: string };

export interface SubscriptionInfo {
  id: string;
  resource: string;
  account: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expiration: number;
  immutableIds: boolean;
  reauthorizationRequired: boolean;
}

export interface MicrosoftEmulatorControls extends CommonControls {
  addAccount(input: { email: string; displayName?: string }): MicrosoftAccountInfo;
  addCalendar(account: string, input: { name: string }): string;
  /**
   * The online meeting providers a calendar supports (`allowedOnlineMeetingProviders`; default
   * `["teamsForBusiness"]`). Without teamsForBusiness, events asking for a Teams meeting are
   * created without one (`isOnlineMeeting: false`, `onlineMeeting: null`).
   */
  setOnlineMeetingProviders(calendarId: string, providers: string[]): void;
  accounts(): MicrosoftAccountInfo[];
  /** Changes "as the user" in Outlook: they notify subscriptions like any change. */
  user: {
    createEvent(account: string, event: Record<string, unknown>, options?: { calendarId?: string }): MicrosoftUserEvent;
    updateEvent(account: string, eventId: string, patch: Record<string, unknown>): MicrosoftUserEvent;
    deleteEvent(account: string, eventId: string): void;
    /** Drags the event to another calendar: its REST id changes, its immutable id stays. */
    moveEvent(account: string, eventId: string, calendarId: string): MicrosoftUserEvent;
    /** The organizer cancelled the meeting: the attendee's copy stays, with isCancelled true. */
    cancelMeeting(account: string, eventId: string): MicrosoftUserEvent;
    respond(account: string, eventId: string, response: 'accepted' | 'tentativelyAccepted' | 'declined' | 'notResponded' | 'none'): MicrosoftUserEvent;
  };
  peekEvent(account: string, eventId: string): MicrosoftUserEvent | undefined;
  peekEvents(account: string, options?: { calendarId?: string }): MicrosoftUserEvent[];
  /** Delta tokens (all, of an account, or one token/deltaLink) answer 410 from now on. Returns how many. */
  expireDeltaTokens(filter?: { account?: string; token?: string }): number;
  /** How stale tokens answer: default 410 `SyncStateNotFound`. */
  setDeltaTokenExpiry(expiry: Partial<DeltaExpiry>): void;
  subscriptions(): SubscriptionInfo[];
  /** Lifecycle notification to the subscription's lifecycleNotificationUrl (undefined when it has none). */
  sendLifecycleNotification(subscriptionId: string, event: LifecycleEvent): DeliveryRecord | undefined;
  /** The emulator CA (put `caCertPath` in NODE_EXTRA_CA_CERTS of processes that call the emulator). */
  tls: { caCertPath: string; caCertPem: string };
}

export interface RunningMicrosoftEmulator {
  /** `https://127.0.0.1:<port>`: MICROSOFT_GRAPH_BASE_URL, and the Graph SDK's `baseUrl`. */
  url: string;
  port: number;
  endpoints: {
    graphBaseUrl: string;
    /** MICROSOFT_AUTHORITY_URL (`<url>/common`). */
    authorityUrl: string;
    authorizeUrl: string;
    tokenUrl: string;
  };
  clients: OAuthClientConfig[];
  tenantId: string;
  controls: MicrosoftEmulatorControls;
  calbridgeEnv(): Record<string, string>;
  stop(): Promise<void>;
}

const DEFAULT_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions = {}): Promise<RunningMicrosoftEmulator> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const material = serverCertificate({ ...options.tls, hostnames: [...(options.tls?.hostnames ?? []), ...(options.publicUrl ? [new URL(options.publicUrl).hostname] : [])] });

  const store = new GraphStore({ clock, maxInstancesPerSeries: options.maxInstancesPerSeries ?? 2500 });
  for (const account of options.accounts ?? [DEFAULT_ACCOUNT]) store.addMailbox(account);
  const notifier = new Notifier(options.notificationDelivery ?? 'immediate', options.notificationTransport ?? httpTransport, clock);
  const { authority, clients } = emulatorAuthority(options, clock, { devClient: MICROSOFT_DEV_CLIENT, prefixes: { access: 'EwB', refresh: 'M.C5', code: 'M.C5_' } });
  const deltaPageSize = options.deltaPageSize ?? 10;
  const delta = new DeltaTracker(store, {
    clock,
    tokenCacheSize: options.deltaTokenCacheSize ?? 100,
    defaultPageSize: deltaPageSize,
    maxPageSize: options.maxDeltaPageSize ?? 1000,
  });
  const subscriptions = new SubscriptionRegistry(store, {
    clock,
    notifier,
    tenantId,
    maxMinutes: options.maxSubscriptionMinutes ?? 4230,
    validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
    notificationTimeoutMs: options.notificationTimeoutMs ?? 3_000,
    requireHttps: options.requireHttpsNotificationUrl ?? false,
  });
  store.onChange = (mailbox, record, change) => subscriptions.notifyChange(mailbox, record, change);

  const host = new EmulatorHost(
    {
      notFound: (ctx) => mErrors.segmentNotFound(ctx.url.pathname.split('/').filter(Boolean).pop() ?? ''),
      methodNotAllowed: () => mErrors.methodNotAllowed(),
      internalError: () => mErrors.server(500),
      fault: (_ctx, fault) =>
        fault.kind === 'throttle' ? mErrors.throttled(fault.options.retryAfterSeconds ?? 1) : mErrors.server(fault.options.status ?? 503),
      responseHeaders: (ctx) => ({
        'request-id': uuid(),
        'client-request-id': ctx.header('client-request-id') ?? uuid(),
      }),
      normalizePath: (path) =>
        path
          .replace(/\(\s*'([^']*)'\s*\)/g, '/$1')
          .replace(/\/microsoft\.graph\.delta(\(\))?(?=\/|$)/i, '/delta')
          .replace(/\/delta\(\)(?=\/|$)/i, '/delta'),
    },
    () => publicUrl,
    log,
    clock,
  );

  const accountInfo = (m: Mailbox): MicrosoftAccountInfo => ({
    email: m.email,
    displayName: m.displayName,
    id: m.id,
    defaultCalendarId: m.defaultCalendarId,
    calendars: store.calendarsOf(m.email).map((c) => ({ id: c.id, name: c.name, isDefault: c.isDefault })),
  });
  const directory = accountDirectory(
    { all: () => store.mailboxes.values(), find: (email) => store.mailbox(email), add: (email) => store.addMailbox({ email }) },
    (m) => ({ email: m.email, displayName: m.displayName, id: m.id }),
  );

  registerMicrosoftOAuthRoutes(host.router, {
    authority,
    accounts: directory,
    settings: consentSettings(options),
    publicUrl: () => publicUrl,
    tenantId,
    clock,
  });
  const enforceScopes = options.enforceScopes ?? true;
  registerGraphRoutes(host.router, {
    store,
    delta,
    subscriptions,
    authority,
    enforceScopes: () => enforceScopes,
    publicUrl: () => publicUrl,
    defaultPageSize: 10,
  });

  const mailboxOf = (account: string): Mailbox => {
    const m = store.mailbox(account);
    if (!m) throw new Error(`Unknown account ${account}`);
    return m;
  };
  const out = (record: MEventRecord, occurrence?: { master: MEventRecord; originalStart: number }): MicrosoftUserEvent => {
    const rendered = store.render(record, { immutableIds: true, out: { label: 'UTC', zone: 'UTC' }, publicUrl }, occurrence);
    return {
      ...rendered,
      id: rendered.id as string,
      restId: occurrence ? store.occurrenceId(occurrence.master, occurrence.originalStart, false) : record.restId,
    };
  };
  const userUpdate = (account: string, eventId: string, patch: Record<string, unknown>) => {
    const m = mailboxOf(account);
    return out(store.update(m, eventId, parseEventInput(patch, { asUser: true }), { asUser: true }));
  };

  const controls: MicrosoftEmulatorControls = {
    ...commonControls(host, authority, notifier, {
      scopes: MICROSOFT_DEFAULT_SCOPES,
      ensureAccount: (email) => void store.addMailbox({ email }),
    }),
    addAccount: (input) => accountInfo(store.addMailbox(input)),
    addCalendar: (account, input) => store.addCalendar(mailboxOf(account).email, input).id,
    setOnlineMeetingProviders: (calendarId, providers) => {
      const calendar = store.calendars.get(calendarId);
      if (!calendar) throw new Error(`Unknown calendar ${calendarId}`);
      calendar.allowedOnlineMeetingProviders = [...providers];
    },
    accounts: () => [...store.mailboxes.values()].map(accountInfo),
    user: {
      createEvent: (account, event, { calendarId } = {}) => {
        const m = mailboxOf(account);
        const { record } = store.create(m, store.resolveCalendar(m, calendarId), parseEventInput(event, { asUser: true }), { asUser: true });
        return out(record);
      },
      updateEvent: userUpdate,
      deleteEvent: (account, eventId) => void store.delete(mailboxOf(account), eventId),
      moveEvent: (account, eventId, calendarId) => {
        const m = mailboxOf(account);
        return out(store.move(m, eventId, store.resolveCalendar(m, calendarId)));
      },
      cancelMeeting: (account, eventId) => userUpdate(account, eventId, { isCancelled: true }),
      respond: (account, eventId, response) =>
        userUpdate(account, eventId, { responseStatus: { response, time: new Date(clock()).toISOString() } }),
    },
    peekEvent: (account, eventId) => {
      const m = store.mailbox(account);
      const found = m ? store.find(m, eventId) : undefined;
      return found ? out(found.record, found.occurrence) : undefined;
    },
    peekEvents: (account, { calendarId } = {}) => {
      const m = mailboxOf(account);
      return store.listEvents(m, calendarId ? store.resolveCalendar(m, calendarId) : undefined).map((r) => out(r));
    },
    expireDeltaTokens: (filter = {}) => delta.expire({ mailbox: filter.account, token: filter.token }),
    setDeltaTokenExpiry: (expiry) => delta.setExpiryResponse(expiry),
    subscriptions: () =>
      subscriptions.all().map((s) => ({
        id: s.id,
        resource: s.resource,
        account: s.mailbox,
        changeType: s.changeType,
        notificationUrl: s.notificationUrl,
        lifecycleNotificationUrl: s.lifecycleNotificationUrl,
        clientState: s.clientState,
        expiration: s.expiration,
        immutableIds: s.immutableIds,
        reauthorizationRequired: s.reauthorizationRequiredAt !== undefined,
      })),
    sendLifecycleNotification: (subscriptionId, event) => subscriptions.sendLifecycle(subscriptionId, event),
    tls: { caCertPath: material.ca.caCertPath, caCertPem: material.ca.caCertPem },
  };

  registerMicrosoftControlRoutes(host, controls);
  registerCommonControlRoutes(host.router, controls, () => ({
    emulator: 'microsoft-graph-v1.0',
    url: publicUrl,
    tenantId,
    accounts: controls.accounts(),
    clients: clients.map((c) => c.clientId),
    subscriptions: controls.subscriptions().length,
    notificationDelivery: notifier.deliveryMode,
    caCertPath: material.ca.caCertPath,
  }));

  const server = await listen(host.handle, {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tls: { cert: material.cert, key: material.key },
  });
  if (!publicUrl) publicUrl = server.boundUrl;
  const url = publicUrl;
  return {
    url,
    port: server.port,
    endpoints: {
      graphBaseUrl: url,
      authorityUrl: `${url}/common`,
      authorizeUrl: `${url}/common/oauth2/v2.0/authorize`,
      tokenUrl: `${url}/common/oauth2/v2.0/token`,
    },
    clients,
    tenantId,
    controls,
    calbridgeEnv: () => ({
      MICROSOFT_AUTHORITY_URL: `${url}/common`,
      MICROSOFT_GRAPH_BASE_URL: url,
      MICROSOFT_CLIENT_ID: clients[0].clientId,
      MICROSOFT_CLIENT_SECRET: clients[0].clientSecret,
    }),
    stop: async () => {
      await notifier.close();
      await server.stop();
    },
  };
}

function registerMicrosoftControlRoutes(host: EmulatorHost, controls: MicrosoftEmulatorControls): void {
  const r = host.router;
  const c = '/__emulator';
  const wrap = controlCall;
  registerAccountControlRoutes(r, {
    list: () => controls.accounts(),
    add: (b) => controls.addAccount({ email: b.email, displayName: b.displayName as string | undefined }),
    addCalendar: (account, b) => controls.addCalendar(account, { name: String(b.name ?? 'Calendar') }),
  });
  r.add('PUT', `${c}/calendars/:calendarId/online-meeting-providers`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    if (!Array.isArray(b.providers) || !b.providers.every((p) => typeof p === 'string')) throw new HttpError(400, { error: 'providers must be a list of strings' });
    wrap(() => controls.setOnlineMeetingProviders(ctx.params.calendarId, b.providers as string[]));
    sendJson(ctx.res, 200, { ok: true });
  });
  r.add('GET', `${c}/accounts/:account/events`, 'control', (ctx) =>
    sendJson(ctx.res, 200, wrap(() => controls.peekEvents(ctx.params.account, { calendarId: ctx.query.get('calendarId') ?? undefined }))),
  );
  r.add('POST', `${c}/accounts/:account/events`, 'control', async (ctx) => {
    const { calendarId, ...event } = await controlBody(ctx);
    sendJson(ctx.res, 200, wrap(() => controls.user.createEvent(ctx.params.account, event, { calendarId: calendarId as string | undefined })));
  });
  r.add('PATCH', `${c}/accounts/:account/events/:eventId`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    sendJson(ctx.res, 200, wrap(() => controls.user.updateEvent(ctx.params.account, ctx.params.eventId, b)));
  });
  r.add('DELETE', `${c}/accounts/:account/events/:eventId`, 'control', (ctx) => {
    wrap(() => controls.user.deleteEvent(ctx.params.account, ctx.params.eventId));
    sendEmpty(ctx.res, 204);
  });
  r.add('POST', `${c}/accounts/:account/events/:eventId/move`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    sendJson(ctx.res, 200, wrap(() => controls.user.moveEvent(ctx.params.account, ctx.params.eventId, String(b.calendarId))));
  });
  r.add('POST', `${c}/accounts/:account/events/:eventId/cancel`, 'control', (ctx) =>
    sendJson(ctx.res, 200, wrap(() => controls.user.cancelMeeting(ctx.params.account, ctx.params.eventId))),
  );
  r.add('POST', `${c}/accounts/:account/events/:eventId/respond`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    const response = String(b.response) as Parameters<MicrosoftEmulatorControls['user']['respond']>[2];
    sendJson(ctx.res, 200, wrap(() => controls.user.respond(ctx.params.account, ctx.params.eventId, response)));
  });
  r.add('POST', `${c}/delta-tokens/expire`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    if (typeof b.status === 'number' || typeof b.code === 'string') {
      controls.setDeltaTokenExpiry({ status: b.status as number | undefined, code: b.code as string | undefined });
    }
    const expired = controls.expireDeltaTokens({ account: b.account as string | undefined, token: b.token as string | undefined });
    sendJson(ctx.res, 200, { expired });
  });
  r.add('GET', `${c}/subscriptions`, 'control', (ctx) => sendJson(ctx.res, 200, controls.subscriptions()));
  r.add('POST', `${c}/subscriptions/:subscriptionId/lifecycle`, 'control', async (ctx) => {
    const event = (await controlBody(ctx)).event;
    if (event !== 'reauthorizationRequired' && event !== 'missed' && event !== 'subscriptionRemoved') {
      throw new HttpError(400, { error: 'event must be reauthorizationRequired, missed or subscriptionRemoved' });
    }
    const record = wrap(() => controls.sendLifecycleNotification(ctx.params.subscriptionId, event));
    sendJson(ctx.res, 200, { sent: record !== undefined });
  });
}
