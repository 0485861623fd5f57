import type { Clock } from '../shared/clock';
import { HttpError, Router, sendJson } from '../shared/http-kit';
import { uuid } from '../shared/ids';
import { AccountDirectory, ConsentSettings } from './consent';
import { CodeFailure, IssuedTokens, OAuthAuthority, RefreshFailure } from './oauth-authority';
import { NO_STORE, OAuthDialect, registerOAuthFlow } from './oauth-flow';

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
    NO_STORE,
  );
}

export function registerMicrosoftOAuthRoutes(router: Router, deps: MicrosoftOAuthDeps): void {
  registerOAuthFlow(router, { authorize: ['/:tenant/oauth2/v2.0/authorize'], token: ['/:tenant/oauth2/v2.0/token'] }, microsoftDialect(deps), deps);
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

/** Microsoft's side of the shared authorization-code flow (errors carry AADSTS codes). */
function microsoftDialect(deps: MicrosoftOAuthDeps): OAuthDialect {
  const described = (error: string, code: number, message: string): [string, string] => [error, `AADSTS${code}: ${message}`];
  return {
    provider: 'Microsoft',
    normalizeScopes: normalizeMicrosoftScopes,
    offline: (_query, scopes) => scopes.includes('offline_access'),
    rotateRefreshTokens: true,
    formPost: true,
    authorizePage: (kind, { clientId, redirectUri }) => ({
      status: 400,
      text:
        kind === 'unknown_client'
          ? `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`
          : `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    }),
    authorizeFailure: (kind, detail) => {
      switch (kind) {
        case 'unsupported_response_type':
          return described('unsupported_response_type', 700054, 'response_type must be code.');
        case 'missing_scope':
          return described('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
        case 'bad_challenge_method':
          return described('invalid_request', 501491, 'Invalid code_challenge_method.');
        case 'bad_challenge':
          return described('invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');
        case 'pkce_required':
          return described('invalid_request', 9002325, 'Proof Key for Code Exchange is required (this emulator requires PKCE; see its README).');
        case 'denied':
          return described('access_denied', 65004, 'User declined to consent to access the app.');
        case 'unknown_account':
          return described('access_denied', 50034, `The user account ${detail} does not exist in this emulator.`);
      }
    },
    authorizeSuccess: () => ({ session_state: uuid() }),
    tokenFailure: (kind, detail) => {
      switch (kind) {
        case 'unknown_client':
          return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${detail}' was not found in the directory.`);
        case 'missing_secret':
          return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        case 'bad_secret':
          return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
        case 'missing_code':
          return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
        case 'missing_refresh_token':
          return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.");
        case 'unsupported_grant_type':
          return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${detail}'.`);
      }
    },
    codeFailure: codeError,
    refreshFailure: refreshError,
    tokenResponse: (tokens, clientId, nonce) => tokenResponse(tokens, deps, clientId, nonce),
  };
}

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
