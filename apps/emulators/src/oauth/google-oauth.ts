import type { Clock } from '../shared/clock';
import {
  HttpError,
  redirect,
  RequestContext,
  Router,
  sendJson,
  sendText,
} from '../shared/http-kit';
import { AccountDirectory, consentPageHtml, ConsentSettings, decideConsent } from './consent';
import { basicCredentials, CodeFailure, IssuedTokens, OAuthAuthority, RefreshFailure } from './oauth-authority';

/**
 * Google's OAuth 2.0 web-server flow on the emulator: `/o/oauth2/v2/auth`, `/token`, `/revoke`,
 * `/tokeninfo`, `/oauth2/v3/userinfo` and the id_token certificates. Follows
 * https://developers.google.com/identity/protocols/oauth2/web-server (refresh token only with
 * `access_type=offline`; PKCE per RFC 7636).
 */

export interface GoogleAccountIdentity {
  email: string;
  displayName: string;
  sub: string;
}

export interface GoogleOAuthDeps {
  authority: OAuthAuthority;
  accounts: AccountDirectory & { identity(email: string): GoogleAccountIdentity | undefined };
  settings: ConsentSettings;
  publicUrl: () => string;
  clock: Clock;
}

const SHORT_SCOPES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

export function normalizeGoogleScopes(scope: string): string[] {
  return [
    ...new Set(
      scope
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((s) => SHORT_SCOPES[s] ?? s),
    ),
  ];
}

const oauthError = (status: number, error: string, description: string) =>
  new HttpError(status, { error, error_description: description }, { 'cache-control': 'no-store', pragma: 'no-cache' });

export function registerGoogleOAuthRoutes(router: Router, deps: GoogleOAuthDeps): void {
  const authorize = (ctx: RequestContext) => handleAuthorize(ctx, deps);
  router.add('GET', '/o/oauth2/v2/auth', 'oauth', authorize);
  router.add('GET', '/o/oauth2/auth', 'oauth', authorize);
  const token = (ctx: RequestContext) => handleToken(ctx, deps);
  router.add('POST', '/token', 'oauth', token);
  router.add('POST', '/oauth2/v4/token', 'oauth', token);
  const revoke = (ctx: RequestContext) => handleRevoke(ctx, deps);
  router.add('POST', '/revoke', 'oauth', revoke);
  router.add('POST', '/o/oauth2/revoke', 'oauth', revoke);
  router.add('GET', '/tokeninfo', 'oauth', (ctx) => handleTokenInfo(ctx, deps));
  router.add('GET', '/oauth2/v3/tokeninfo', 'oauth', (ctx) => handleTokenInfo(ctx, deps));
  const userinfo = (ctx: RequestContext) => handleUserInfo(ctx, deps);
  router.add('GET', '/oauth2/v3/userinfo', 'oauth', userinfo);
  router.add('GET', '/oauth2/v2/userinfo', 'oauth', userinfo);
  router.add('GET', '/oauth2/v3/certs', 'oauth', (ctx) => sendJson(ctx.res, 200, deps.authority.jwks()));
  router.add('GET', '/oauth2/v1/certs', 'oauth', (ctx) => {
    const { kid, pem } = deps.authority.publicKeyPem();
    sendJson(ctx.res, 200, { [kid]: pem });
  });
}

function handleAuthorize(ctx: RequestContext, deps: GoogleOAuthDeps): void {
  const q = ctx.query;
  const client = deps.authority.client(q.get('client_id'));
  if (!client) {
    // Google shows an error page and does not redirect for an unknown client.
    sendText(ctx.res, 401, 'Error 401: invalid_client\nThe OAuth client was not found.');
    return;
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUri || !deps.authority.redirectAllowed(client, redirectUri)) {
    sendText(ctx.res, 400, `Error 400: redirect_uri_mismatch\nYou can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy (redirect_uri=${redirectUri}).`);
    return;
  }
  const state = q.get('state');
  const fail = (error: string, description: string) => {
    const target = new URL(redirectUri);
    target.searchParams.set('error', error);
    target.searchParams.set('error_description', description);
    if (state !== null) target.searchParams.set('state', state);
    redirect(ctx.res, target.toString());
  };
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  const scopes = normalizeGoogleScopes(q.get('scope') ?? '');
  if (scopes.length === 0) return fail('invalid_request', 'Missing required parameter: scope');
  const challenge = q.get('code_challenge') ?? undefined;
  const method = (q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined)) as string | undefined;
  if (challenge && method !== 'S256' && method !== 'plain') return fail('invalid_request', 'Invalid code_challenge_method.');
  if (challenge && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) return fail('invalid_request', 'Invalid code_challenge.');
  if (!challenge && deps.authority.requirePkce) {
    return fail('invalid_request', 'Missing code_challenge (this emulator requires PKCE; see its README).');
  }
  const decision = decideConsent(ctx, deps.accounts, deps.settings);
  if (decision.kind === 'show-page') {
    sendText(ctx.res, 200, consentPageHtml(ctx, deps.accounts, 'Google'), {}, 'text/html; charset=utf-8');
    return;
  }
  if (decision.kind === 'deny') return fail('access_denied', 'The user denied access.');
  if (decision.kind === 'unknown-account') return fail('access_denied', `No account ${decision.email} on this emulator.`);
  const code = deps.authority.createCode({
    clientId: client.clientId,
    redirectUri,
    account: decision.account.email,
    scopes,
    offline: q.get('access_type') === 'offline',
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: challenge,
    codeChallengeMethod: challenge ? (method as 'S256' | 'plain') : undefined,
  });
  const target = new URL(redirectUri);
  if (state !== null) target.searchParams.set('state', state);
  target.searchParams.set('code', code);
  target.searchParams.set('scope', scopes.join(' '));
  target.searchParams.set('authuser', '0');
  target.searchParams.set('prompt', 'consent');
  redirect(ctx.res, target.toString());
}

async function handleToken(ctx: RequestContext, deps: GoogleOAuthDeps): Promise<void> {
  const form = await ctx.form();
  const basic = basicCredentials(ctx.header('authorization'));
  const clientId = form.get('client_id') ?? basic?.clientId;
  const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
  const client = deps.authority.client(clientId);
  if (!client) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (!deps.authority.secretMatches(client, clientSecret)) throw oauthError(401, 'invalid_client', 'Unauthorized');
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) throw oauthError(400, 'invalid_request', 'Missing required parameter: code');
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
    if (!refreshToken) throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const result = deps.authority.refresh(refreshToken, client.clientId, { rotate: false });
    if (!result.ok) throw refreshError(result.failure);
    sendJson(ctx.res, 200, tokenResponse(result.tokens, deps, client.clientId), noStore);
    return;
  }
  throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
}

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

function codeError(failure: CodeFailure): HttpError {
  switch (failure) {
    case 'unknown_code':
      return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    case 'redirect_mismatch':
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    case 'missing_verifier':
      return oauthError(400, 'invalid_grant', 'Missing code verifier.');
    case 'verifier_mismatch':
      return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    case 'client_mismatch':
      return oauthError(400, 'invalid_grant', 'Unauthorized');
    default:
      return oauthError(400, 'invalid_grant', 'Bad Request');
  }
}

function refreshError(failure: RefreshFailure): HttpError {
  if (failure === 'revoked') return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  if (failure === 'client_mismatch') return oauthError(401, 'unauthorized_client', 'Unauthorized');
  return oauthError(400, 'invalid_grant', 'Bad Request');
}

function tokenResponse(tokens: IssuedTokens, deps: GoogleOAuthDeps, clientId: string, nonce?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: tokens.accessToken,
    expires_in: tokens.expiresIn,
    scope: tokens.grant.scopes.join(' '),
    token_type: 'Bearer',
  };
  if (tokens.refreshToken) body.refresh_token = tokens.refreshToken;
  if (tokens.grant.scopes.includes('openid')) {
    const identity = deps.accounts.identity(tokens.grant.account);
    const now = Math.floor(deps.clock() / 1000);
    body.id_token = deps.authority.signJwt({
      iss: deps.publicUrl(),
      azp: clientId,
      aud: clientId,
      sub: identity?.sub ?? tokens.grant.account,
      email: tokens.grant.account,
      email_verified: true,
      name: identity?.displayName,
      iat: now,
      exp: now + tokens.expiresIn,
      ...(nonce ? { nonce } : {}),
    });
  }
  return body;
}

async function handleRevoke(ctx: RequestContext, deps: GoogleOAuthDeps): Promise<void> {
  const form = await ctx.form();
  const token = form.get('token') ?? ctx.query.get('token');
  if (!token || !deps.authority.revokeToken(token)) {
    throw oauthError(400, 'invalid_token', 'Token expired or revoked');
  }
  sendJson(ctx.res, 200, {});
}

function handleTokenInfo(ctx: RequestContext, deps: GoogleOAuthDeps): void {
  const token = ctx.query.get('access_token');
  const info = token ? deps.authority.inspectAccessToken(token) : undefined;
  if (!info) throw oauthError(400, 'invalid_token', 'Invalid Value');
  const identity = deps.accounts.identity(info.grant.account);
  const expiresIn = Math.max(0, Math.floor((info.expiresAt - deps.clock()) / 1000));
  sendJson(ctx.res, 200, {
    azp: info.grant.clientId,
    aud: info.grant.clientId,
    sub: identity?.sub,
    scope: info.grant.scopes.join(' '),
    exp: String(Math.floor(info.expiresAt / 1000)),
    expires_in: String(expiresIn),
    email: info.grant.account,
    email_verified: 'true',
    access_type: info.grant.offline ? 'offline' : 'online',
  });
}

function handleUserInfo(ctx: RequestContext, deps: GoogleOAuthDeps): void {
  const auth = deps.authority.authenticate(ctx.header('authorization'));
  if (!auth.ok) {
    throw new HttpError(401, { error: 'invalid_request', error_description: 'Invalid Credentials' }, {
      'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
    });
  }
  const identity = deps.accounts.identity(auth.grant.account);
  sendJson(ctx.res, 200, {
    sub: identity?.sub,
    name: identity?.displayName,
    email: auth.grant.account,
    email_verified: true,
  });
}
