import type { AccountContext, ProviderCredentials } from './calendar-provider';
import { ProviderError } from './provider-error';

/** What calbridge keeps, sealed by the engine, for an account connected with OAuth (Google, Microsoft). */
export interface OAuthCredentials {
  refreshToken: string;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  /** Scopes the user granted (space-separated), when the provider says. */
  scope: string | null;
}

/** Access tokens are renewed when they have less than this left: a sync step never starts on a dying token. */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** The stored OAuth credentials of an account; incomplete ones mean the user must connect again. */
export function oauthCredentialsOf(account: Pick<AccountContext, 'credentials'>): OAuthCredentials {
  const c = account.credentials as Partial<OAuthCredentials>;
  if (typeof c.refreshToken !== 'string' || !c.refreshToken) throw new ProviderError('AuthRevoked', 'The stored OAuth credentials hold no refresh token');
  return {
    refreshToken: c.refreshToken,
    accessToken: typeof c.accessToken === 'string' ? c.accessToken : '',
    accessTokenExpiresAt: typeof c.accessTokenExpiresAt === 'number' ? c.accessTokenExpiresAt : 0,
    scope: typeof c.scope === 'string' ? c.scope : null,
  };
}

export function toProviderCredentials(c: OAuthCredentials): ProviderCredentials {
  return { refreshToken: c.refreshToken, accessToken: c.accessToken, accessTokenExpiresAt: c.accessTokenExpiresAt, scope: c.scope };
}

/**
 * An account's access token during one sync step: renewed before it expires (and once more when
 * the provider refuses it anyway, e.g. revoked early), every renewal stored through the engine
 * (`AccountContext.updateCredentials`) before it is used. A refresh the provider refuses
 * (`invalid_grant`) leaves through the provider's classifier as `AuthRevoked`.
 */
export class OAuthSession {
  private refreshing?: Promise<OAuthCredentials>;

  constructor(
    private readonly account: AccountContext,
    /** Exchanges the refresh token for new credentials (the refresh token kept when the provider does not rotate it). */
    private readonly refresh: (current: OAuthCredentials) => Promise<OAuthCredentials>,
    /** Whether an API failure means "this access token is not accepted" (HTTP 401). */
    private readonly isUnauthorized: (error: unknown) => boolean,
  ) {}

  /** A token valid for at least the refresh margin. */
  async accessToken(): Promise<string> {
    const current = oauthCredentialsOf(this.account);
    if (current.accessToken && current.accessTokenExpiresAt - Date.now() > ACCESS_TOKEN_REFRESH_MARGIN_MS) return current.accessToken;
    return (await this.renew()).accessToken;
  }

  /** Runs one provider call; a 401 renews the token and runs it once more. */
  async run<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken();
    try {
      return await call(token);
    } catch (error) {
      if (!this.isUnauthorized(error)) throw error;
      const renewed = await this.renew();
      return call(renewed.accessToken);
    }
  }

  /** One refresh at a time per session; the result is stored before anyone uses it. */
  private renew(): Promise<OAuthCredentials> {
    this.refreshing ??= (async () => {
      try {
        const next = await this.refresh(oauthCredentialsOf(this.account));
        await this.account.updateCredentials(toProviderCredentials(next));
        return next;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}

/** An account context for the calls a provider makes while connecting (nothing is stored yet). */
export function connectingAccount(credentials: OAuthCredentials): AccountContext {
  const account: AccountContext = {
    connectionId: '',
    accountId: '',
    serverUrl: null,
    credentials: toProviderCredentials(credentials),
    metadata: {},
    updateCredentials: async (next) => {
      account.credentials = next;
    },
  };
  return account;
}

/**
 * Claims of an OpenID Connect id token received straight from the provider's token endpoint
 * over TLS, which need no signature check (OpenID Connect Core 1.0, 3.1.3.7).
 */
export function idTokenClaims(idToken: string | null | undefined): { sub?: string; email?: string; oid?: string; preferred_username?: string } {
  try {
    const payload = JSON.parse(Buffer.from((idToken ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { sub: text(payload.sub), email: text(payload.email), oid: text(payload.oid), preferred_username: text(payload.preferred_username) };
  } catch {
    return {};
  }
}
