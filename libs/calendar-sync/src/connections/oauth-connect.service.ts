import { ApiError, Principal, RedisService } from '@calbridge/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHash, randomBytes } from 'node:crypto';
import type { ProviderErrorCode } from '../providers/provider-error';
import { ProviderError } from '../providers/provider-error';
import { ProviderRegistry } from '../providers/provider-registry';
import { syncConfig } from '../sync.config';
import { AccountConnector } from './account-connector.service';
import { ConnectionViews } from './connection-views.service';
import { signState, verifyState } from './oauth-state';

/** The query a provider sends the user back with (authorization code flow). */
export interface OAuthCallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
}

/** What stays on the server between the authorize URL and the callback (never in the browser). */
interface PendingAuthorization {
  codeVerifier: string;
  principal: Principal;
}

/** How a failed connect is reported to the UI (`#error=<code>`): stable, and free of provider detail. */
const FAILURE_CODES: Record<ProviderErrorCode, string> = {
  AuthRevoked: 'exchange_failed',
  Transient: 'provider_unavailable',
  RateLimited: 'provider_unavailable',
  Permanent: 'connect_failed',
  NotFound: 'connect_failed',
  CursorExpired: 'connect_failed',
};

/**
 * Connecting an OAuth provider (Google, Microsoft), provider-neutral: the authorize URL carries
 * a `state` signed with HMAC-SHA-256, bound to the staff member and expiring; the PKCE (S256)
 * verifier and the principal who started stay in Redis under the state's nonce, for the
 * state's lifetime and for one use. The callback checks the state before anything else (a bad
 * one changes nothing), then hands the code to the provider through AccountConnector.connect
 * and sends the user to the web UI with the outcome in the URL fragment.
 */
@Injectable()
export class OAuthConnectService {
  private readonly logger = new Logger(OAuthConnectService.name);

  constructor(
    private readonly views: ConnectionViews,
    private readonly connector: AccountConnector,
    private readonly registry: ProviderRegistry,
    private readonly redis: RedisService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  async authorize(principal: Principal, staffId: string, providerKey: string): Promise<{ url: string }> {
    await this.views.requireOwner(principal, staffId);
    const provider = this.registry.get(providerKey);
    if (!provider.authorizationUrl) throw ApiError.unprocessable('PROVIDER_NOT_OAUTH', `${provider.displayName} does not connect through OAuth`);
    const { stateSecret, stateTtlMs } = this.config.oauth;
    const nonce = randomBytes(18).toString('base64url');
    const codeVerifier = randomBytes(48).toString('base64url');
    const pending: PendingAuthorization = { codeVerifier, principal };
    await this.redis.client.set(this.key(nonce), JSON.stringify(pending), 'PX', stateTtlMs);
    const state = signState({ provider: provider.key, staffId, nonce, expiresAt: Date.now() + stateTtlMs }, stateSecret);
    const url = provider.authorizationUrl({
      state,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      redirectUri: this.redirectUri(provider.key),
    });
    return { url };
  }

  /**
   * Returns where to send the user. A missing, forged, expired, replayed or misdirected state
   * throws 400 (OAUTH_STATE_INVALID / OAUTH_STATE_EXPIRED) without touching anything.
   */
  async callback(providerKey: string, query: OAuthCallbackQuery): Promise<string> {
    const checked = verifyState(query.state, this.config.oauth.stateSecret);
    if (!checked.ok && checked.reason === 'expired') throw ApiError.badRequest('OAUTH_STATE_EXPIRED', 'This sign-in took too long; start connecting again');
    if (!checked.ok || checked.state.provider !== providerKey) throw invalidState();
    const raw = await this.redis.client.getdel(this.key(checked.state.nonce));
    if (!raw) throw invalidState(); // already used (or never issued here)
    const pending = JSON.parse(raw) as PendingAuthorization;
    const { staffId } = checked.state;
    if (typeof query.error === 'string') {
      this.logger.warn({ provider: providerKey, staffId, error: query.error.slice(0, 64) }, 'The provider sent the user back without a grant');
      return this.outcome({ error: query.error === 'access_denied' ? 'access_denied' : 'authorization_failed' });
    }
    if (typeof query.code !== 'string' || !query.code) return this.outcome({ error: 'authorization_failed' });
    try {
      const { view } = await this.connector.connect(pending.principal, staffId, providerKey, {
        kind: 'oauth_code',
        code: query.code,
        codeVerifier: pending.codeVerifier,
        redirectUri: this.redirectUri(providerKey),
      });
      return this.outcome({ connected: providerKey, connectionId: view.id });
    } catch (error) {
      const code = error instanceof ProviderError ? FAILURE_CODES[error.code] : error instanceof ApiError ? 'not_allowed' : undefined;
      if (!code) throw error;
      this.logger.warn({ provider: providerKey, staffId, code, err: (error as Error).message }, 'Connecting an account failed');
      return this.outcome({ error: code });
    }
  }

  /** The redirect URI registered with the provider: `<PUBLIC_BASE_URL>/oauth/<provider>/callback`. */
  redirectUri(providerKey: string): string {
    return `${this.config.oauth.callbackBaseUrl}/${providerKey}/callback`;
  }

  private outcome(fragment: Record<string, string>): string {
    return `${this.config.oauth.appUrl}#${new URLSearchParams(fragment).toString()}`;
  }

  private key(nonce: string): string {
    return this.redis.key('oauth', 'pending', nonce);
  }
}

function invalidState(): ApiError {
  return ApiError.badRequest('OAUTH_STATE_INVALID', 'The sign-in link is invalid or was already used; start connecting again');
}
