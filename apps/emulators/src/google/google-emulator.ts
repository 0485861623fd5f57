import { registerGoogleOAuthRoutes } from '../oauth/google-oauth';
import type { OAuthClientConfig } from '../oauth/oauth-authority';
import { accountDirectory, consentSettings, emulatorAuthority } from '../oauth/oauth-flow';
import { systemClock } from '../shared/clock';
import { CommonControls, commonControls, controlBody, controlCall, registerAccountControlRoutes, registerCommonControlRoutes } from '../shared/controls';
import { EmulatorHost } from '../shared/emulator-host';
import { CommonEmulatorOptions, DEFAULT_ACCOUNT } from '../shared/emulator-options';
import { HttpError, listen, sendEmpty, sendJson, TlsMaterial } from '../shared/http-kit';
import { httpTransport, Notifier } from '../shared/notifier';
import { EmulatorTlsOptions, serverCertificate } from '../tls/emulator-tls';
import { ConferencingMode, GoogleConferences } from './google-conferences';
import { gErrors } from './google-errors';
import { parseEventInput } from './google-model';
import { registerGoogleRoutes } from './google-routes';
import { GAccount, GCalendar, GoogleStore } from './google-store';
import { ChannelInfo, ChannelRegistry } from './google-watch';

/** The development OAuth client the emulator knows unless told otherwise. */
export const GOOGLE_DEV_CLIENT: OAuthClientConfig = {
  clientId: 'calbridge-dev.apps.googleusercontent.com',
  clientSecret: 'calbridge-dev-google-client-secret',
};

/** What `issueTokens` grants when no scopes are given: calbridge's minimal set. */
export const GOOGLE_DEFAULT_SCOPES = [
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
  'https://www.googleapis.com/auth/calendar.events',
];

export interface GoogleEmulatorOptions extends CommonEmulatorOptions {
  /** Serve HTTPS with the emulator CA (default false: googleapis works over http). */
  tls?: boolean | EmulatorTlsOptions;
  /** How far ahead `singleEvents=true` expands endless series without `timeMax` (default 365 days). */
  recurrenceHorizonDays?: number;
  /** Instances per series and request at most (default 2500). */
  maxInstancesPerSeries?: number;
  /** Sync tokens older than this answer 410 (default: only when expired by a control). */
  syncTokenMaxAgeMs?: number;
  /** Channel lifetime without `expiration`/`params.ttl` (default 604800 s, one week). */
  channelDefaultTtlSeconds?: number;
  /** Longest channel lifetime (default 2592000 s, 30 days); longer requests are capped. */
  channelMaxTtlSeconds?: number;
  /** Refuse http:// channel addresses, as Google does (default false, for local receivers). */
  requireHttpsWebhooks?: boolean;
}

export interface GoogleAccountInfo {
  email: string;
  displayName: string;
  sub: string;
  primaryCalendarId: string;
  calendars: Array<{ id: string; summary: string; timeZone: string; primary: boolean }>;
}

/** A Calendar v3 event body, as a user would shape it in the Google Calendar UI. */
export type GoogleEventInput = Record<string, unknown>;

export interface GoogleEmulatorControls extends CommonControls {
  addAccount(input: { email: string; displayName?: string; timeZone?: string }): GoogleAccountInfo;
  addCalendar(account: string, input: { summary: string; timeZone?: string; id?: string }): string;
  accounts(): GoogleAccountInfo[];
  /** Changes "as the user" in Google Calendar: they notify watch channels like any change. */
  user: {
    createEvent(calendarId: string, event: GoogleEventInput): Record<string, unknown>;
    /** Patch semantics (objects merge, arrays replace, null clears); instance ids create exceptions. */
    updateEvent(calendarId: string, eventId: string, patch: GoogleEventInput): Record<string, unknown>;
    deleteEvent(calendarId: string, eventId: string): void;
    /** Sets an attendee's responseStatus (default: the calendar owner's). */
    respond(calendarId: string, eventId: string, responseStatus: 'accepted' | 'declined' | 'tentative' | 'needsAction', attendee?: string): Record<string, unknown>;
  };
  /** Reads without counting as a provider request. */
  peekEvent(calendarId: string, eventId: string): Record<string, unknown> | undefined;
  /** All stored events of a calendar (series unexpanded), deleted ones included when asked. */
  peekEvents(calendarId: string, options?: { includeDeleted?: boolean }): Array<Record<string, unknown>>;
  /** Every sync token of the calendar (or of all calendars) answers 410 fullSyncRequired from now on. */
  expireSyncTokens(calendarId?: string): void;
  expireSyncToken(token: string): void;
  channels(): ChannelInfo[];
  /**
   * How the account's conference requests go (default `pending`, resolved on the next read):
   * `instant` succeeds at once, `failure` answers statusCode "failure" (an account that cannot create Meet conferences).
   */
  setConferencing(account: string, mode: ConferencingMode): void;
}

export interface RunningGoogleEmulator {
  /** Base URL (also the googleapis `rootUrl` without the trailing slash). */
  url: string;
  port: number;
  endpoints: {
    apiBaseUrl: string;
    rootUrl: string;
    authorizeUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    tokenInfoUrl: string;
    userInfoUrl: string;
  };
  clients: OAuthClientConfig[];
  controls: GoogleEmulatorControls;
  /** Environment for calbridge (names from API.md) pointing at this emulator. */
  calbridgeEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<RunningGoogleEmulator> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const store = new GoogleStore({
    clock,
    recurrenceHorizonDays: options.recurrenceHorizonDays ?? 365,
    maxInstancesPerSeries: options.maxInstancesPerSeries ?? 2500,
    syncTokenMaxAgeMs: options.syncTokenMaxAgeMs,
    htmlBase: 'https://www.google.com',
  });
  for (const account of options.accounts ?? [DEFAULT_ACCOUNT]) store.addAccount(account);
  const notifier = new Notifier(options.notificationDelivery ?? 'immediate', options.notificationTransport ?? httpTransport, clock);
  const { authority, clients } = emulatorAuthority(options, clock, { devClient: GOOGLE_DEV_CLIENT, prefixes: { access: 'ya29.', refresh: '1//', code: '4/' } });
  const channels = new ChannelRegistry({
    clock,
    notifier,
    defaultTtlSeconds: options.channelDefaultTtlSeconds ?? 604_800,
    maxTtlSeconds: options.channelMaxTtlSeconds ?? 2_592_000,
    requireHttps: options.requireHttpsWebhooks ?? false,
    timeoutMs: 10_000,
  });
  store.onChange = (calendar) => channels.notifyChange(calendar);

  const host = new EmulatorHost(
    {
      notFound: () => gErrors.notFound(),
      methodNotAllowed: () => gErrors.methodNotAllowed(),
      internalError: () => gErrors.backend(500),
      fault: (_ctx, fault) =>
        fault.kind === 'throttle'
          ? gErrors.rateLimit(fault.options.status ?? 403, fault.options.reason ?? 'rateLimitExceeded', fault.options.retryAfterSeconds)
          : gErrors.backend(fault.options.status ?? 503),
    },
    () => publicUrl,
    log,
    clock,
  );

  const accountInfo = (account: GAccount): GoogleAccountInfo => ({
    email: account.email,
    displayName: account.displayName,
    sub: account.sub,
    primaryCalendarId: account.primaryCalendarId,
    calendars: store.calendarsOf(account.email).map((c) => ({ id: c.id, summary: c.summary, timeZone: c.timeZone, primary: c.primary })),
  });
  const directory = accountDirectory(
    { all: () => store.accounts.values(), find: (email) => store.account(email), add: (email) => store.addAccount({ email }) },
    (a) => ({ email: a.email, displayName: a.displayName, sub: a.sub }),
  );

  registerGoogleOAuthRoutes(host.router, {
    authority,
    accounts: directory,
    settings: consentSettings(options),
    publicUrl: () => publicUrl,
    clock,
  });
  const enforceScopes = options.enforceScopes ?? true;
  const conferences = new GoogleConferences();
  registerGoogleRoutes(host.router, { store, channels, authority, enforceScopes: () => enforceScopes, publicUrl: () => publicUrl, conferences });

  const owned = (calendarId: string): GCalendar => store.calendarById(calendarId);
  const asUser = (calendar: GCalendar) => ({ account: calendar.owner, asUser: true });
  const controls: GoogleEmulatorControls = {
    ...commonControls(host, authority, notifier, {
      scopes: GOOGLE_DEFAULT_SCOPES,
      ensureAccount: (email) => void store.addAccount({ email }),
    }),
    addAccount: (input) => accountInfo(store.addAccount(input)),
    addCalendar: (account, input) => {
      if (!store.account(account)) throw new Error(`Unknown account ${account}`);
      return store.addCalendar(account, input).id;
    },
    accounts: () => [...store.accounts.values()].map(accountInfo),
    user: {
      createEvent: (calendarId, event) => {
        const calendar = owned(calendarId);
        const record = store.insert(calendar, parseEventInput(event, { requireTimes: true }), asUser(calendar));
        return store.render(calendar, record);
      },
      updateEvent: (calendarId, eventId, patch) => {
        const calendar = owned(calendarId);
        const record = store.update(calendar, eventId, parseEventInput(patch, { requireTimes: false }), { patch: true, actor: asUser(calendar) });
        return store.render(calendar, record);
      },
      deleteEvent: (calendarId, eventId) => store.delete(owned(calendarId), eventId),
      respond: (calendarId, eventId, responseStatus, attendee) => {
        const calendar = owned(calendarId);
        const found = store.find(calendar, eventId);
        if (!found) throw gErrors.notFound();
        const who = (attendee ?? calendar.owner).toLowerCase();
        const attendees = (found.record.fields.attendees ?? []).map((a) => (a.email.toLowerCase() === who ? { ...a, responseStatus } : a));
        if (!attendees.some((a) => a.email.toLowerCase() === who)) attendees.push({ email: attendee ?? calendar.owner, responseStatus });
        const record = store.update(calendar, eventId, parseEventInput({ attendees }, { requireTimes: false }), { patch: true, actor: asUser(calendar) });
        return store.render(calendar, record);
      },
    },
    peekEvent: (calendarId, eventId) => {
      const calendar = store.calendars.get(calendarId);
      const found = calendar ? store.find(calendar, eventId) : undefined;
      return calendar && found ? store.render(calendar, found.record) : undefined;
    },
    peekEvents: (calendarId, { includeDeleted = false } = {}) => {
      const calendar = owned(calendarId);
      return [...calendar.events.values()].filter((r) => includeDeleted || !r.deleted).map((r) => store.render(calendar, r));
    },
    expireSyncTokens: (calendarId) => store.expireSyncTokens(calendarId),
    expireSyncToken: (token) => store.expireSyncToken(token),
    channels: () => channels.list(),
    setConferencing: (account, mode) => conferences.setMode(account, mode),
  };

  registerGoogleControlRoutes(host, controls);
  registerCommonControlRoutes(host.router, controls, () => ({
    emulator: 'google-calendar-v3',
    url: publicUrl,
    accounts: controls.accounts(),
    clients: clients.map((c) => c.clientId),
    channels: channels.list().length,
    notificationDelivery: notifier.deliveryMode,
  }));

  let tls: TlsMaterial | undefined;
  if (options.tls) {
    const material = serverCertificate(typeof options.tls === 'object' ? options.tls : {});
    tls = { cert: material.cert, key: material.key };
  }
  const server = await listen(host.handle, { port: options.port ?? 0, host: options.host ?? '127.0.0.1', tls });
  if (!publicUrl) publicUrl = server.boundUrl;
  const url = publicUrl;
  return {
    url,
    port: server.port,
    endpoints: {
      apiBaseUrl: url,
      rootUrl: `${url}/`,
      authorizeUrl: `${url}/o/oauth2/v2/auth`,
      tokenUrl: `${url}/token`,
      revokeUrl: `${url}/revoke`,
      tokenInfoUrl: `${url}/tokeninfo`,
      userInfoUrl: `${url}/oauth2/v3/userinfo`,
    },
    clients,
    controls,
    calbridgeEnv: () => ({
      GOOGLE_API_BASE_URL: url,
      GOOGLE_OAUTH_AUTHORIZE_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_CLIENT_ID: clients[0].clientId,
      GOOGLE_CLIENT_SECRET: clients[0].clientSecret,
    }),
    stop: async () => {
      await notifier.close();
      await server.stop();
    },
  };
}

function registerGoogleControlRoutes(host: EmulatorHost, controls: GoogleEmulatorControls): void {
  const r = host.router;
  const c = '/__emulator';
  const wrap = controlCall;
  registerAccountControlRoutes(r, {
    list: () => controls.accounts(),
    add: (b) => controls.addAccount({ email: b.email, displayName: b.displayName as string | undefined, timeZone: b.timeZone as string | undefined }),
    addCalendar: (account, b) => controls.addCalendar(account, { summary: String(b.summary ?? 'Calendar'), timeZone: b.timeZone as string | undefined }),
  });
  r.add('GET', `${c}/calendars/:calendarId/events`, 'control', (ctx) =>
    sendJson(ctx.res, 200, wrap(() => controls.peekEvents(ctx.params.calendarId, { includeDeleted: ctx.query.get('includeDeleted') === 'true' }))),
  );
  r.add('POST', `${c}/calendars/:calendarId/events`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    sendJson(ctx.res, 200, wrap(() => controls.user.createEvent(ctx.params.calendarId, b)));
  });
  r.add('PATCH', `${c}/calendars/:calendarId/events/:eventId`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    sendJson(ctx.res, 200, wrap(() => controls.user.updateEvent(ctx.params.calendarId, ctx.params.eventId, b)));
  });
  r.add('DELETE', `${c}/calendars/:calendarId/events/:eventId`, 'control', (ctx) => {
    wrap(() => controls.user.deleteEvent(ctx.params.calendarId, ctx.params.eventId));
    sendEmpty(ctx.res, 204);
  });
  r.add('POST', `${c}/sync-tokens/expire`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    if (typeof b.token === 'string') controls.expireSyncToken(b.token);
    else controls.expireSyncTokens(typeof b.calendarId === 'string' ? b.calendarId : undefined);
    sendJson(ctx.res, 200, { ok: true });
  });
  r.add('PUT', `${c}/accounts/:account/conferencing`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    if (b.mode !== 'pending' && b.mode !== 'instant' && b.mode !== 'failure') throw new HttpError(400, { error: 'mode must be pending, instant or failure' });
    controls.setConferencing(ctx.params.account, b.mode === 'pending' ? { mode: 'pending', pendingReads: typeof b.pendingReads === 'number' ? b.pendingReads : undefined } : { mode: b.mode });
    sendJson(ctx.res, 200, { ok: true });
  });
  r.add('GET', `${c}/channels`, 'control', (ctx) => sendJson(ctx.res, 200, controls.channels()));
}
