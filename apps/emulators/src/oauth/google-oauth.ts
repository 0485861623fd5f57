import type { Clock } from '../shared/clock';
import { HttpError, RequestContext, Router, sendJson } from '../shared/http-kit';
import { AccountDirectory, ConsentSettings } from './consent';
import { CodeFailure, IssuedTokens, OAuthAuthority, RefreshFailure } from './oauth-authority';
import { NO_STORE, OAuthDialect, registerOAuthFlow } from './oauth-flow';

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

const oauthError = (status: number, error: string, description: string) => new HttpError(status, { error, error_description: description }, NO_STORE);

/** Google's side of the shared authorization-code flow. */
function googleDialect(deps: GoogleOAuthDeps): OAuthDialect {
  return {
    provider: 'Google',
    normalizeScopes: normalizeGoogleScopes,
    offline: (query) => query.get('access_type') === 'offline',
    rotateRefreshTokens: false,
    formPost: false,
    authorizePage: (kind, { redirectUri }) =>
      kind === 'unknown_client'
        ? // Google shows an error page and does not redirect for an unknown client.
          { status: 401, text: 'Error 401: invalid_client\nThe OAuth client was not found.' }
        : {
            status: 400,
            text: `Error 400: redirect_uri_mismatch\nYou can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy (redirect_uri=${redirectUri}).`,
          },
    authorizeFailure: (kind, detail) => {
      switch (kind) {
        case 'unsupported_response_type':
          return ['unsupported_response_type', 'Only response_type=code is supported.'];
        case 'missing_scope':
          return ['invalid_request', 'Missing required parameter: scope'];
        case 'bad_challenge_method':
          return ['invalid_request', 'Invalid code_challenge_method.'];
        case 'bad_challenge':
          return ['invalid_request', 'Invalid code_challenge.'];
        case 'pkce_required':
          return ['invalid_request', 'Missing code_challenge (this emulator requires PKCE; see its README).'];
        case 'denied':
          return ['access_denied', 'The user denied access.'];
        case 'unknown_account':
          return ['access_denied', `No account ${detail} on this emulator.`];
      }
    },
    authorizeSuccess: (scopes) => ({ scope: scopes.join(' '), authuser: '0', prompt: 'consent' }),
    tokenFailure: (kind, detail) => {
      switch (kind) {
        case 'unknown_client':
          return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
        case 'missing_secret':
        case 'bad_secret':
          return oauthError(401, 'invalid_client', 'Unauthorized');
        case 'missing_code':
          return oauthError(400, 'invalid_request', 'Missing required parameter: code');
        case 'missing_refresh_token':
          return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
        case 'unsupported_grant_type':
          return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${detail}`);
      }
    },
    codeFailure,
    refreshFailure,
    tokenResponse: (tokens, clientId, nonce) => tokenResponse(tokens, deps, clientId, nonce),
  };
}

export function registerGoogleOAuthRoutes(router: Router, deps: GoogleOAuthDeps): void {
  registerOAuthFlow(router, { authorize: ['/o/oauth2/v2/auth', '/o/oauth2/auth'], token: ['/token', '/oauth2/v4/token'] }, googleDialect(deps), deps);
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

function codeFailure(failure: CodeFailure): HttpError {
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

function refreshFailure(failure: RefreshFailure): HttpError {
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
