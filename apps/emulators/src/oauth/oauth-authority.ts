import { createHash, generateKeyPairSync, KeyObject, sign, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { randomToken } from '../shared/ids';

/**
 * Provider-neutral OAuth 2.0 state shared by both emulators: registered clients, authorization
 * codes (with PKCE), grants, access and refresh tokens, revocation. The Google and Microsoft
 * route modules only translate HTTP and error shapes around it.
 */

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  /** When set, `redirect_uri` must be one of these (exact match, as both providers require). */
  redirectUris?: string[];
}

export interface Grant {
  id: string;
  clientId: string;
  /** The account the user consented as (its email). */
  account: string;
  scopes: string[];
  /** Whether a refresh token was issued (Google `access_type=offline`, Microsoft `offline_access`). */
  offline: boolean;
  createdAt: number;
  revokedAt?: number;
}

interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  account: string;
  scopes: string[];
  offline: boolean;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  redeemedAt?: number;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export type CodeFailure =
  | 'unknown_code'
  | 'expired_code'
  | 'redeemed_code'
  | 'client_mismatch'
  | 'redirect_mismatch'
  | 'missing_verifier'
  | 'verifier_mismatch';

export type RefreshFailure = 'unknown_token' | 'revoked' | 'client_mismatch';

export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
  grant: Grant;
}

export interface AuthorityOptions {
  clock: Clock;
  accessTokenTtlSeconds: number;
  codeTtlSeconds?: number;
  /** Refuse authorization requests without `code_challenge` (S256 or plain). */
  requirePkce: boolean;
  /** Prefixes that make tokens look like the provider's (`ya29.`, `1//`, `4/` for Google). */
  prefixes: { access: string; refresh: string; code: string };
}

export class OAuthAuthority {
  private readonly clients = new Map<string, OAuthClientConfig>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly grants = new Map<string, Grant>();
  private signingKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

  constructor(private readonly options: AuthorityOptions) {}

  get accessTokenTtlSeconds(): number {
    return this.options.accessTokenTtlSeconds;
  }

  set accessTokenTtlSeconds(seconds: number) {
    this.options.accessTokenTtlSeconds = seconds;
  }

  get requirePkce(): boolean {
    return this.options.requirePkce;
  }

  registerClient(client: OAuthClientConfig): void {
    this.clients.set(client.clientId, { ...client });
  }

  client(clientId: string | null | undefined): OAuthClientConfig | undefined {
    return clientId ? this.clients.get(clientId) : undefined;
  }

  clientList(): OAuthClientConfig[] {
    return [...this.clients.values()].map((c) => ({ ...c }));
  }

  secretMatches(client: OAuthClientConfig, secret: string | null | undefined): boolean {
    if (!secret) return false;
    const a = Buffer.from(client.clientSecret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  redirectAllowed(client: OAuthClientConfig, redirectUri: string): boolean {
    if (!client.redirectUris || client.redirectUris.length === 0) return /^https?:\/\//i.test(redirectUri);
    return client.redirectUris.includes(redirectUri);
  }

  createCode(input: Omit<AuthorizationCode, 'code' | 'expiresAt' | 'redeemedAt'>): string {
    const code = `${this.options.prefixes.code}${randomToken(32)}`;
    this.codes.set(code, { ...input, code, expiresAt: this.options.clock() + (this.options.codeTtlSeconds ?? 600) * 1000 });
    return code;
  }

  /** RFC 6749 4.1.3 + RFC 7636 4.6: the code, its client, its redirect URI and the PKCE verifier. */
  redeemCode(
    code: string,
    { clientId, redirectUri, codeVerifier }: { clientId: string; redirectUri?: string | null; codeVerifier?: string | null },
  ): { ok: true; tokens: IssuedTokens; nonce?: string } | { ok: false; failure: CodeFailure } {
    const entry = this.codes.get(code);
    if (!entry) return { ok: false, failure: 'unknown_code' };
    if (entry.redeemedAt !== undefined) return { ok: false, failure: 'redeemed_code' };
    if (entry.expiresAt <= this.options.clock()) return { ok: false, failure: 'expired_code' };
    if (entry.clientId !== clientId) return { ok: false, failure: 'client_mismatch' };
    if ((redirectUri ?? '') !== entry.redirectUri) return { ok: false, failure: 'redirect_mismatch' };
    if (entry.codeChallenge) {
      if (!codeVerifier) return { ok: false, failure: 'missing_verifier' };
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeVerifier)) return { ok: false, failure: 'verifier_mismatch' };
      const computed =
        entry.codeChallengeMethod === 'plain'
          ? codeVerifier
          : createHash('sha256').update(codeVerifier).digest('base64url');
      if (computed !== entry.codeChallenge) return { ok: false, failure: 'verifier_mismatch' };
    }
    entry.redeemedAt = this.options.clock();
    const grant = this.newGrant(entry.clientId, entry.account, entry.scopes, entry.offline);
    return { ok: true, tokens: this.tokensFor(grant, entry.offline), nonce: entry.nonce };
  }

  /** A new access token for a refresh token; `rotate` also issues a new refresh token (Microsoft). */
  refresh(
    refreshToken: string,
    clientId: string,
    { rotate }: { rotate: boolean },
  ): { ok: true; tokens: IssuedTokens } | { ok: false; failure: RefreshFailure } {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant) return { ok: false, failure: 'unknown_token' };
    if (grant.revokedAt !== undefined) return { ok: false, failure: 'revoked' };
    if (grant.clientId !== clientId) return { ok: false, failure: 'client_mismatch' };
    const tokens = this.tokensFor(grant, rotate);
    return { ok: true, tokens };
  }

  /** Checks `Authorization: Bearer …` as an API would on every call. */
  authenticate(header: string | undefined): { ok: true; grant: Grant } | { ok: false; failure: AuthFailure } {
    if (!header) return { ok: false, failure: 'missing' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, failure: 'malformed' };
    const entry = this.accessTokens.get(m[1]);
    if (!entry) return { ok: false, failure: 'unknown' };
    if (entry.grant.revokedAt !== undefined) return { ok: false, failure: 'revoked' };
    if (entry.expiresAt <= this.options.clock()) return { ok: false, failure: 'expired' };
    return { ok: true, grant: entry.grant };
  }

  /** Access-token introspection (Google's tokeninfo). */
  inspectAccessToken(token: string): { grant: Grant; expiresAt: number } | undefined {
    const entry = this.accessTokens.get(token);
    if (!entry || entry.grant.revokedAt !== undefined || entry.expiresAt <= this.options.clock()) return undefined;
    return { grant: entry.grant, expiresAt: entry.expiresAt };
  }

  /** Revokes the grant behind an access or refresh token (Google's /revoke). */
  revokeToken(token: string): boolean {
    const grant = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grant;
    if (!grant || grant.revokedAt !== undefined) return false;
    grant.revokedAt = this.options.clock();
    return true;
  }

  /**
   * Revokes grants (the user removed the app, or an admin revoked consent): their refresh tokens
   * then fail with `invalid_grant` and their access tokens with 401. Returns how many were revoked.
   */
  revokeGrants(filter: { refreshToken?: string; account?: string; clientId?: string } = {}): number {
    let count = 0;
    const only = filter.refreshToken ? this.refreshTokens.get(filter.refreshToken) : undefined;
    if (filter.refreshToken && !only) return 0;
    for (const grant of this.grants.values()) {
      if (grant.revokedAt !== undefined) continue;
      if (only && grant !== only) continue;
      if (filter.account && grant.account.toLowerCase() !== filter.account.toLowerCase()) continue;
      if (filter.clientId && grant.clientId !== filter.clientId) continue;
      grant.revokedAt = this.options.clock();
      count += 1;
    }
    return count;
  }

  /** Makes every access token issued so far expire now (refresh tokens stay valid). */
  expireAccessTokens(): void {
    const now = this.options.clock();
    for (const entry of this.accessTokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  /** Issues tokens without the browser dance (test and demo helper). */
  issueDirect(clientId: string, account: string, scopes: string[]): IssuedTokens {
    const grant = this.newGrant(clientId, account, scopes, true);
    return this.tokensFor(grant, true);
  }

  grantList(): Grant[] {
    return [...this.grants.values()].map((g) => ({ ...g, scopes: [...g.scopes] }));
  }

  /** An RS256-signed JWT (id_token) and the JWK set that verifies it. */
  signJwt(claims: Record<string, unknown>): string {
    const key = this.key();
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode(header)}.${encode(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    const key = this.key();
    return { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] };
  }

  publicKeyPem(): { kid: string; pem: string } {
    const key = this.key();
    return { kid: key.kid, pem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
  }

  private key(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
    if (!this.signingKey) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.signingKey = { privateKey, publicKey, kid: randomToken(12) };
    }
    return this.signingKey;
  }

  private newGrant(clientId: string, account: string, scopes: string[], offline: boolean): Grant {
    const grant: Grant = { id: randomToken(12), clientId, account, scopes, offline, createdAt: this.options.clock() };
    this.grants.set(grant.id, grant);
    return grant;
  }

  private tokensFor(grant: Grant, withRefresh: boolean): IssuedTokens {
    const accessToken = `${this.options.prefixes.access}${randomToken(48)}`;
    const expiresIn = this.options.accessTokenTtlSeconds;
    this.accessTokens.set(accessToken, { grant, expiresAt: this.options.clock() + expiresIn * 1000 });
    let refreshToken: string | undefined;
    if (withRefresh && grant.offline) {
      refreshToken = `${this.options.prefixes.refresh}${randomToken(48)}`;
      this.refreshTokens.set(refreshToken, grant);
    }
    return { accessToken, expiresIn, refreshToken, grant };
  }
}

/** `Authorization: Basic base64(id:secret)` (RFC 6749 2.3.1), URL-decoded. */
export function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { clientId: dec(decoded.slice(0, colon)), clientSecret: dec(decoded.slice(colon + 1)) };
}
