import type { OAuthAuthority } from '../oauth/oauth-authority';
import type { EmulatorHost } from './emulator-host';
import { HttpError, RequestContext, Router, sendJson } from './http-kit';
import type { DeliveryRecord, NotificationDeliveryMode, Notifier } from './notifier';
import type { FailOptions, RecordedRequest, RequestStats, ThrottleOptions } from './traffic';

/**
 * Switches and helpers both emulators offer to tests, in process and over HTTP under
 * `/__emulator/…` (JSON in, JSON out; never counted as provider requests).
 */

export interface NotificationControls {
  /** Every notification sent, dropped or held (newest last, at most 5000). */
  records(): DeliveryRecord[];
  /** Held notifications (manual delivery mode). */
  held(): DeliveryRecord[];
  /** Manual mode: delivers what is held, in order; resolves with those records. */
  flush(): Promise<DeliveryRecord[]>;
  /** Manual mode: forgets what is held (as if the provider lost it). */
  discardHeld(): DeliveryRecord[];
  /** Resolves when no notification is in flight. */
  settled(): Promise<void>;
  /** Forgets the record list. */
  clear(): void;
  setMode(mode: NotificationDeliveryMode): void;
  /** Drops the next `count` change notifications (Google `exists`, Graph change notifications). */
  dropNext(count?: number): void;
}

export interface IssuedTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scopes: string[];
}

export interface CommonControls {
  stats(): RequestStats;
  /** Recent requests with their (redacted) headers, oldest first. */
  requests(): RecordedRequest[];
  resetStats(): void;
  /** The next `count` API calls answer "throttled" (Google 403/429 rateLimitExceeded, Graph 429 + Retry-After). */
  throttle(count: number, options?: ThrottleOptions): void;
  /** The next `count` API calls answer 5xx (503 unless `status`). */
  fail(count: number, options?: FailOptions): void;
  /** Adds latency to every API call (0 turns it off). */
  setLatency(ms: number): void;
  clearFaults(): void;
  pendingFaults(): { throttle: number; fail: number };
  /** Tokens for an account without the browser flow (`scopes` default: what calbridge asks for). */
  issueTokens(input: { account: string; scopes?: string[]; clientId?: string }): IssuedTokenSet;
  /** Revokes grants (all, or by refresh token, account or client): refresh → invalid_grant, API → 401. */
  revokeGrant(filter?: { refreshToken?: string; account?: string; clientId?: string }): number;
  /** Every access token issued so far expires now. */
  expireAccessTokens(): void;
  setAccessTokenTtl(seconds: number): void;
  dropNextNotifications(count?: number): void;
  notifications: NotificationControls;
}

export function commonControls(
  host: EmulatorHost,
  authority: OAuthAuthority,
  notifier: Notifier,
  defaults: { scopes: string[]; ensureAccount: (email: string) => void },
): CommonControls {
  const notifications: NotificationControls = {
    records: () => notifier.records(),
    held: () => notifier.heldRecords(),
    flush: () => notifier.flush(),
    discardHeld: () => notifier.discardHeld(),
    settled: () => notifier.settled(),
    clear: () => notifier.clearHistory(),
    setMode: (mode) => notifier.setMode(mode),
    dropNext: (count = 1) => notifier.dropNext(count),
  };
  return {
    stats: () => host.traffic.stats(),
    requests: () => host.traffic.requests(),
    resetStats: () => host.traffic.reset(),
    throttle: (count, options) => host.faults.throttle(count, options),
    fail: (count, options) => host.faults.fail(count, options),
    setLatency: (ms) => host.faults.setLatency(ms),
    clearFaults: () => host.faults.clear(),
    pendingFaults: () => host.faults.pending(),
    issueTokens: ({ account, scopes, clientId }) => {
      const client = clientId ?? authority.clientList()[0]?.clientId;
      if (!client) throw new Error('No OAuth client registered');
      defaults.ensureAccount(account);
      const granted = scopes ?? defaults.scopes;
      const issued = authority.issueDirect(client, account, granted);
      return { accessToken: issued.accessToken, refreshToken: issued.refreshToken as string, expiresIn: issued.expiresIn, scopes: granted };
    },
    revokeGrant: (filter) => authority.revokeGrants(filter),
    expireAccessTokens: () => authority.expireAccessTokens(),
    setAccessTokenTtl: (seconds) => {
      authority.accessTokenTtlSeconds = seconds;
    },
    dropNextNotifications: (count = 1) => notifier.dropNext(count),
    notifications,
  };
}

type Json = Record<string, unknown>;

export function controlBody(ctx: RequestContext): Promise<Json> {
  return ctx
    .json((message) => new HttpError(400, { error: message }))
    .then((b) => (typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Json) : {}));
}

/** Runs a control action; a plain error (bad input) becomes a 400 with its message. */
export function controlCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, { error: (error as Error).message });
  }
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** `/__emulator/…` routes shared by both emulators. */
export function registerCommonControlRoutes(router: Router, controls: CommonControls, describe: () => Json): void {
  const c = '/__emulator';
  router.add('GET', `${c}/health`, 'control', (ctx) => sendJson(ctx.res, 200, { ok: true }));
  router.add('GET', `${c}`, 'control', (ctx) => sendJson(ctx.res, 200, describe()));
  router.add('GET', `${c}/stats`, 'control', (ctx) => sendJson(ctx.res, 200, controls.stats()));
  router.add('POST', `${c}/stats/reset`, 'control', (ctx) => {
    controls.resetStats();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('GET', `${c}/requests`, 'control', (ctx) => sendJson(ctx.res, 200, controls.requests()));
  router.add('POST', `${c}/faults/throttle`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    controls.throttle(num(b.count, 1), {
      retryAfterSeconds: typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : undefined,
      status: b.status === 429 ? 429 : b.status === 403 ? 403 : undefined,
      reason: b.reason === 'userRateLimitExceeded' ? 'userRateLimitExceeded' : undefined,
      method: str(b.method),
      path: str(b.path),
    });
    sendJson(ctx.res, 200, controls.pendingFaults());
  });
  router.add('POST', `${c}/faults/fail`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    controls.fail(num(b.count, 1), { status: typeof b.status === 'number' ? b.status : undefined, method: str(b.method), path: str(b.path) });
    sendJson(ctx.res, 200, controls.pendingFaults());
  });
  router.add('POST', `${c}/faults/latency`, 'control', async (ctx) => {
    controls.setLatency(num((await controlBody(ctx)).ms, 0));
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', `${c}/faults/clear`, 'control', (ctx) => {
    controls.clearFaults();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', `${c}/tokens`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    const account = str(b.account);
    if (!account) throw new HttpError(400, { error: 'account is required' });
    const scopes = Array.isArray(b.scopes) ? b.scopes.filter((s): s is string => typeof s === 'string') : undefined;
    sendJson(ctx.res, 200, controls.issueTokens({ account, scopes, clientId: str(b.clientId) }));
  });
  router.add('POST', `${c}/grants/revoke`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    const revoked = controls.revokeGrant({ refreshToken: str(b.refreshToken), account: str(b.account), clientId: str(b.clientId) });
    sendJson(ctx.res, 200, { revoked });
  });
  router.add('POST', `${c}/access-tokens/expire`, 'control', (ctx) => {
    controls.expireAccessTokens();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', `${c}/notifications/drop`, 'control', async (ctx) => {
    controls.dropNextNotifications(num((await controlBody(ctx)).count, 1));
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', `${c}/notifications/flush`, 'control', async (ctx) => {
    sendJson(ctx.res, 200, await controls.notifications.flush());
  });
  router.add('POST', `${c}/notifications/mode`, 'control', async (ctx) => {
    const mode = (await controlBody(ctx)).mode;
    if (mode !== 'immediate' && mode !== 'manual') throw new HttpError(400, { error: 'mode must be immediate or manual' });
    controls.notifications.setMode(mode);
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('GET', `${c}/notifications`, 'control', (ctx) => sendJson(ctx.res, 200, controls.notifications.records()));
}

/**
 * The account directory's control routes, alike on both emulators: list accounts, add one
 * (`email` required), add a calendar to one; each emulator shapes the body into its own input.
 */
export function registerAccountControlRoutes(
  router: Router,
  accounts: {
    list(): unknown;
    add(body: Json & { email: string }): unknown;
    addCalendar(account: string, body: Json): string;
  },
): void {
  const c = '/__emulator';
  router.add('GET', `${c}/accounts`, 'control', (ctx) => sendJson(ctx.res, 200, accounts.list()));
  router.add('POST', `${c}/accounts`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    if (typeof b.email !== 'string') throw new HttpError(400, { error: 'email is required' });
    sendJson(ctx.res, 200, accounts.add({ ...b, email: b.email }));
  });
  router.add('POST', `${c}/accounts/:account/calendars`, 'control', async (ctx) => {
    const b = await controlBody(ctx);
    sendJson(ctx.res, 200, { id: controlCall(() => accounts.addCalendar(ctx.params.account, b)) });
  });
}
