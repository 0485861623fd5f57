import type { Clock } from '../shared/clock';
import { HttpError, redirect, RequestContext, Router, sendJson, sendText } from '../shared/http-kit';
import { uuid } from '../shared/ids';
import { AccountDirectory, consentPageHtml, ConsentSettings, decideConsent } from './consent';
import { basicCredentials, CodeFailure, IssuedTokens, OAuthAuthority, RefreshFailure } from './oauth-authority';

/**
 * The Microsoft identity platform's v2.0 endpoints on the emulator:
 * `/{tenant}/oauth2/v2.0/authorize` and `/{tenant}/oauth2/v2.0/token` (any tenant segment:
 * `common`, `organizations`, `consumers` or a tenant id), plus OpenID discovery and keys. Follows
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow (refresh token only
 * with the `offline_access` scope; refresh tokens rotate; errors carry AADSTS codes).
 */

export interface MicrosoftAccountIdentity {
  email: string;
  displayName: string;
  id: string;
}

export interface MicrosoftOAuthDeps {
  authority: OAuthAuthority;
  accounts: AccountDirectory & { identity(email: string): MicrosoftAccountIdentity | undefined };
  settings: ConsentSettings;
  publicUrl: () => string;
  tenantId: string;
  clock: Clock;
}

const GRAPH_PREFIX = 'https://graph.microsoft.com/';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** What `https://graph.microsoft.com/.default` stands for on the emulator. */
export const DEFAULT_GRAPH_PERMISSIONS = ['Calendars.ReadWrite', 'User.Read'];

/** Scopes as Graph permission names (`Calendars.ReadWrite`) plus the OpenID Connect ones. */
export function normalizeMicrosoftScopes(scope: string): string[] {
  const out: string[] = [];
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    let s = raw.startsWith(GRAPH_PREFIX) ? raw.slice(GRAPH_PREFIX.length) : raw;
    if (OIDC_SCOPES.has(s.toLowerCase())) s = s.toLowerCase();
    if (s === '.default') out.push(...DEFAULT_GRAPH_PERMISSIONS);
    else out.push(s);
  }
  return [...new Set(out)];
}

function aadError(status: number, error: string, code: number, message: string): HttpError {
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  const traceId = uuid();
  const correlationId = uuid();
  return new HttpError(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${now}`,
      error_codes: [code],
      timestamp: now,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

export function registerMicrosoftOAuthRoutes(router: Router, deps: MicrosoftOAuthDeps): void {
  router.add('GET', '/:tenant/oauth2/v2.0/authorize', 'oauth', (ctx) => handleAuthorize(ctx, deps));
  router.add('POST', '/:tenant/oauth2/v2.0/token', 'oauth', (ctx) => handleToken(ctx, deps));
  router.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', 'oauth', (ctx) => {
    const base = `${deps.publicUrl()}/${ctx.params.tenant}`;
    sendJson(ctx.res, 200, {
      issuer: `${deps.publicUrl()}/${deps.tenantId}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256', 'plain'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      tenant_region_scope: null,
    });
  });
  router.add('GET', '/:tenant/discovery/v2.0/keys', 'oauth', (ctx) => sendJson(ctx.res, 200, deps.authority.jwks()));
}

function handleAuthorize(ctx: RequestContext, deps: MicrosoftOAuthDeps): void {
  const q = ctx.query;
  const client = deps.authority.client(q.get('client_id'));
  if (!client) {
    sendText(ctx.res, 400, `AADSTS700016: Application with identifier '${q.get('client_id') ?? ''}' was not found in the directory.`);
    return;
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUri || !deps.authority.redirectAllowed(client, redirectUri)) {
    sendText(ctx.res, 400, `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`);
    return;
  }
  const state = q.get('state');
  const responseMode = q.get('response_mode') ?? 'query';
  const respond = (params: Record<string, string>) => {
    if (state !== null) params.state = state;
    if (responseMode === 'form_post') {
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
      return;
    }
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    redirect(ctx.res, target.toString());
  };
  const fail = (error: string, code: number, message: string) =>
    respond({ error, error_description: `AADSTS${code}: ${message}` });
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 700054, 'response_type must be code.');
  const scopes = normalizeMicrosoftScopes(q.get('scope') ?? '');
  if (scopes.length === 0) return fail('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  const challenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (challenge && method !== 'S256' && method !== 'plain') return fail('invalid_request', 501491, 'Invalid code_challenge_method.');
  if (challenge && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) return fail('invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');
  if (!challenge && deps.authority.requirePkce) {
    return fail('invalid_request', 9002325, 'Proof Key for Code Exchange is required (this emulator requires PKCE; see its README).');
  }
  const decision = decideConsent(ctx, deps.accounts, deps.settings);
  if (decision.kind === 'show-page') {
    sendText(ctx.res, 200, consentPageHtml(ctx, deps.accounts, 'Microsoft'), {}, 'text/html; charset=utf-8');
    return;
  }
  if (decision.kind === 'deny') return fail('access_denied', 65004, 'User declined to consent to access the app.');
  if (decision.kind === 'unknown-account') return fail('access_denied', 50034, `The user account ${decision.email} does not exist in this emulator.`);
  const code = deps.authority.createCode({
    clientId: client.clientId,
    redirectUri,
    account: decision.account.email,
    scopes,
    offline: scopes.includes('offline_access'),
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: challenge,
    codeChallengeMethod: challenge ? (method as 'S256' | 'plain') : undefined,
  });
  respond({ code, session_state: uuid() });
}

async function handleToken(ctx: RequestContext, deps: MicrosoftOAuthDeps): Promise<void> {
  const form = await ctx.form();
  const basic = basicCredentials(ctx.header('authorization'));
  const clientId = form.get('client_id') ?? basic?.clientId;
  const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
  const client = deps.authority.client(clientId);
  if (!client) {
    throw aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
  }
  if (!clientSecret) {
    throw aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  if (!deps.authority.secretMatches(client, clientSecret)) {
    throw aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  }
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) throw aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
    const result = deps.authority.redeemCode(code, {
      clientId: client.clientId,
      redirectUri: form.get('redirect_uri'),
      codeVerifier: form.get('code_verifier'),
    });
    if (!result.ok) throw codeError(result.failure);
    sendJson(ctx.res, 200, tokenResponse(result.tokens, deps, client.clientId, result.nonce), noStore);
    return;
  }
  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) throw aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.");
    const result = deps.authority.refresh(refreshToken, client.clientId, { rotate: true });
    if (!result.ok) throw refreshError(result.failure);
    sendJson(ctx.res, 200, tokenResponse(result.tokens, deps, client.clientId), noStore);
    return;
  }
  throw aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
}

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

function codeError(failure: CodeFailure): HttpError {
  switch (failure) {
    case 'expired_code':
      return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
    case 'redeemed_code':
      return aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    case 'redirect_mismatch':
      return aadError(400, 'invalid_grant', 70000, "The provided value for the input parameter 'redirect_uri' is not valid: it does not match the authorization request.");
    case 'missing_verifier':
      return aadError(400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.');
    case 'verifier_mismatch':
      return aadError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    default:
      return aadError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
  }
}

function refreshError(failure: RefreshFailure): HttpError {
  if (failure === 'revoked') {
    return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
  }
  if (failure === 'client_mismatch') return aadError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
  return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
}

function tokenResponse(
  tokens: IssuedTokens,
  deps: MicrosoftOAuthDeps,
  clientId: string,
  nonce?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: tokens.grant.scopes.filter((s) => s !== 'offline_access').join(' '),
    expires_in: tokens.expiresIn,
    ext_expires_in: tokens.expiresIn,
    access_token: tokens.accessToken,
  };
  if (tokens.refreshToken) body.refresh_token = tokens.refreshToken;
  if (tokens.grant.scopes.includes('openid')) {
    const identity = deps.accounts.identity(tokens.grant.account);
    const now = Math.floor(deps.clock() / 1000);
    body.id_token = deps.authority.signJwt({
      aud: clientId,
      iss: `${deps.publicUrl()}/${deps.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + tokens.expiresIn,
      name: identity?.displayName,
      oid: identity?.id,
      preferred_username: tokens.grant.account,
      email: tokens.grant.account,
      sub: identity?.id,
      tid: deps.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
    });
  }
  return body;
}
