import type { Clock } from '../shared/clock';
import type { CommonEmulatorOptions } from '../shared/emulator-options';
import { HttpError, redirect, RequestContext, Router, sendJson, sendText } from '../shared/http-kit';
import { AccountDirectory, AccountSummary, consentPageHtml, ConsentSettings, decideConsent } from './consent';
import { AuthorityOptions, basicCredentials, CodeFailure, IssuedTokens, OAuthAuthority, OAuthClientConfig, RefreshFailure } from './oauth-authority';

/**
 * The authorization-code flow both emulators share (RFC 6749 4.1 with PKCE, RFC 7636): the
 * authorize endpoint (client and redirect checks, scopes, PKCE parameters, consent, the code) and
 * the token endpoint (client authentication, code redemption, refresh). What differs between
 * Google and Microsoft — scope spelling, when a refresh token is issued, whether it rotates,
 * `response_mode=form_post`, error bodies, the token response — is the provider's
 * {@link OAuthDialect} (`google-oauth.ts`, `microsoft-oauth.ts`).
 */

export type AuthorizeFailure =
  | 'unsupported_response_type'
  | 'missing_scope'
  | 'bad_challenge_method'
  | 'bad_challenge'
  | 'pkce_required'
  | 'denied'
  | 'unknown_account';

export type TokenFailure = 'unknown_client' | 'missing_secret' | 'bad_secret' | 'missing_code' | 'missing_refresh_token' | 'unsupported_grant_type';

export interface OAuthDialect {
  /** Named on the consent page. */
  provider: string;
  normalizeScopes(scope: string): string[];
  /** Whether the grant gets a refresh token (Google: `access_type=offline`; Microsoft: the `offline_access` scope). */
  offline(query: URLSearchParams, scopes: string[]): boolean;
  /** A refresh also issues a new refresh token (Microsoft). */
  rotateRefreshTokens: boolean;
  /** Honours `response_mode=form_post` (Microsoft); otherwise the answer is always a redirect. */
  formPost: boolean;
  /** The page shown, without redirecting, for an unknown client or a redirect URI it does not allow. */
  authorizePage(kind: 'unknown_client' | 'redirect_mismatch', detail: { clientId: string; redirectUri: string }): { status: number; text: string };
  /** `[error, error_description]` sent back to the redirect URI. */
  authorizeFailure(kind: AuthorizeFailure, detail: string): [string, string];
  /** Parameters of a successful authorization besides `code` and `state`. */
  authorizeSuccess(scopes: string[]): Record<string, string>;
  tokenFailure(kind: TokenFailure, detail: string): HttpError;
  codeFailure(failure: CodeFailure): HttpError;
  refreshFailure(failure: RefreshFailure): HttpError;
  tokenResponse(tokens: IssuedTokens, clientId: string, nonce?: string): Record<string, unknown>;
}

export interface OAuthFlowDeps {
  authority: OAuthAuthority;
  accounts: AccountDirectory;
  settings: ConsentSettings;
}

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Registers the authorize and token endpoints at the provider's paths. */
export function registerOAuthFlow(router: Router, paths: { authorize: string[]; token: string[] }, dialect: OAuthDialect, deps: OAuthFlowDeps): void {
  for (const path of paths.authorize) router.add('GET', path, 'oauth', (ctx) => authorize(ctx, dialect, deps));
  for (const path of paths.token) router.add('POST', path, 'oauth', (ctx) => token(ctx, dialect, deps));
}

function authorize(ctx: RequestContext, dialect: OAuthDialect, deps: OAuthFlowDeps): void {
  const q = ctx.query;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  const client = deps.authority.client(clientId);
  const page = !client ? 'unknown_client' : !redirectUri || !deps.authority.redirectAllowed(client, redirectUri) ? 'redirect_mismatch' : null;
  if (!client || page) {
    const shown = dialect.authorizePage(page ?? 'unknown_client', { clientId: client?.clientId ?? clientId, redirectUri });
    sendText(ctx.res, shown.status, shown.text);
    return;
  }
  const state = q.get('state');
  const respond = (params: Record<string, string>) => {
    if (state !== null) params.state = state;
    if (dialect.formPost && q.get('response_mode') === 'form_post') return sendFormPost(ctx, redirectUri, params);
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    redirect(ctx.res, target.toString());
  };
  const fail = (kind: AuthorizeFailure, detail = '') => {
    const [error, description] = dialect.authorizeFailure(kind, detail);
    respond({ error, error_description: description });
  };
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
  const scopes = dialect.normalizeScopes(q.get('scope') ?? '');
  if (scopes.length === 0) return fail('missing_scope');
  const challenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (challenge && method !== 'S256' && method !== 'plain') return fail('bad_challenge_method');
  if (challenge && !PKCE_VALUE.test(challenge)) return fail('bad_challenge');
  if (!challenge && deps.authority.requirePkce) return fail('pkce_required');
  const decision = decideConsent(ctx, deps.accounts, deps.settings);
  if (decision.kind === 'show-page') {
    sendText(ctx.res, 200, consentPageHtml(ctx, deps.accounts, dialect.provider), {}, 'text/html; charset=utf-8');
    return;
  }
  if (decision.kind === 'deny') return fail('denied');
  if (decision.kind === 'unknown-account') return fail('unknown_account', decision.email);
  const code = deps.authority.createCode({
    clientId: client.clientId,
    redirectUri,
    account: decision.account.email,
    scopes,
    offline: dialect.offline(q, scopes),
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: challenge,
    codeChallengeMethod: challenge ? (method as 'S256' | 'plain') : undefined,
  });
  respond({ code, ...dialect.authorizeSuccess(scopes) });
}

/** `response_mode=form_post`: a page that posts the parameters to the redirect URI. */
function sendFormPost(ctx: RequestContext, redirectUri: string, params: Record<string, string>): void {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`)
    .join('');
  sendText(
    ctx.res,
    200,
    `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${redirectUri.replace(/"/g, '&quot;')}">${inputs}</form></body></html>`,
    {},
    'text/html; charset=utf-8',
  );
}

async function token(ctx: RequestContext, dialect: OAuthDialect, deps: OAuthFlowDeps): Promise<void> {
  const form = await ctx.form();
  const basic = basicCredentials(ctx.header('authorization'));
  const clientId = form.get('client_id') ?? basic?.clientId;
  const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
  const client = deps.authority.client(clientId);
  if (!client) throw dialect.tokenFailure('unknown_client', clientId ?? '');
  if (!clientSecret) throw dialect.tokenFailure('missing_secret', '');
  if (!deps.authority.secretMatches(client, clientSecret)) throw dialect.tokenFailure('bad_secret', '');
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) throw dialect.tokenFailure('missing_code', '');
    const result = deps.authority.redeemCode(code, { clientId: client.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!result.ok) throw dialect.codeFailure(result.failure);
    sendJson(ctx.res, 200, dialect.tokenResponse(result.tokens, client.clientId, result.nonce), NO_STORE);
    return;
  }
  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) throw dialect.tokenFailure('missing_refresh_token', '');
    const result = deps.authority.refresh(refreshToken, client.clientId, { rotate: dialect.rotateRefreshTokens });
    if (!result.ok) throw dialect.refreshFailure(result.failure);
    sendJson(ctx.res, 200, dialect.tokenResponse(result.tokens, client.clientId), NO_STORE);
    return;
  }
  throw dialect.tokenFailure('unsupported_grant_type', grantType ?? '');
}

/** The emulator's authority with its registered clients (the development client unless told otherwise). */
export function emulatorAuthority(
  options: CommonEmulatorOptions,
  clock: Clock,
  provider: { devClient: OAuthClientConfig; prefixes: AuthorityOptions['prefixes'] },
): { authority: OAuthAuthority; clients: OAuthClientConfig[] } {
  const authority = new OAuthAuthority({
    clock,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    requirePkce: options.requirePkce ?? true,
    prefixes: provider.prefixes,
  });
  const clients = options.clients ?? [provider.devClient];
  for (const client of clients) authority.registerClient(client);
  return { authority, clients };
}

/** The consent settings of the emulator's options. */
export function consentSettings(options: CommonEmulatorOptions): ConsentSettings {
  return { consentPage: options.consentPage ?? false, autoCreateAccounts: options.autoCreateAccounts ?? true };
}

/**
 * The account directory the authorize endpoint consents from, over an emulator's own accounts
 * (Google accounts, Graph mailboxes), with the identity the id_token and userinfo report.
 */
export function accountDirectory<A extends AccountSummary, I>(
  accounts: { all(): Iterable<A>; find(email: string): A | undefined; add(email: string): A },
  identity: (account: A) => I,
): AccountDirectory & { identity(email: string): I | undefined } {
  const summary = (a: A): AccountSummary => ({ email: a.email, displayName: a.displayName });
  return {
    list: () => [...accounts.all()].map(summary),
    find: (email) => {
      const a = accounts.find(email);
      return a ? summary(a) : undefined;
    },
    create: (email) => summary(accounts.add(email)),
    identity: (email) => {
      const a = accounts.find(email);
      return a ? identity(a) : undefined;
    },
  };
}
