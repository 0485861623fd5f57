import { MetricsService } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Auth, calendar_v3, google } from 'googleapis';
import { syncConfig } from '../../sync.config';
import { ProviderError } from '../provider-error';
import { countedFetch, remoteRequestsCounter, responseRecorder } from '../remote-requests';

export type GoogleSettings = NonNullable<ConfigType<typeof syncConfig>['google']>;

/**
 * The one place googleapis clients are built, every URL from configuration (GOOGLE_API_BASE_URL,
 * GOOGLE_OAUTH_AUTHORIZE_URL, GOOGLE_OAUTH_TOKEN_URL), so the same code talks to Google or to
 * the local emulator. Requests go through Node's fetch (`transporterOptions.fetchImplementation`:
 * gaxios would otherwise load node-fetch with a dynamic import), each one counted and timed out.
 */
@Injectable()
export class GoogleClientFactory {
  private readonly fetch: typeof fetch;

  constructor(
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    const requests = remoteRequestsCounter(metrics);
    this.fetch = countedFetch((method) => requests.inc({ provider: 'google', method }), config.http.timeoutMs, responseRecorder(metrics, 'google'));
  }

  get settings(): GoogleSettings {
    if (!this.config.google) throw new ProviderError('Permanent', 'Google Calendar is not configured here (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)');
    return this.config.google;
  }

  /** The OAuth client: authorization URLs, code exchange, refresh. */
  oauth(redirectUri?: string): Auth.OAuth2Client {
    const { clientId, clientSecret, authorizeUrl, tokenUrl } = this.settings;
    return new google.auth.OAuth2({
      clientId,
      clientSecret,
      redirectUri,
      endpoints: { oauth2AuthBaseUrl: authorizeUrl, oauth2TokenUrl: tokenUrl },
      transporterOptions: { fetchImplementation: this.fetch },
    });
  }

  /**
   * A Calendar v3 client acting with `accessToken`. It holds no refresh token and never renews
   * by itself: renewal is calbridge's (OAuthSession), which stores each new token. `retry: false`:
   * the engine's one back-off policy decides when to try again, honouring Retry-After, instead
   * of gaxios retrying a throttled account at once.
   */
  calendar(accessToken: string): calendar_v3.Calendar {
    const auth = this.oauth();
    auth.setCredentials({ access_token: accessToken });
    return google.calendar({ version: 'v3', auth, rootUrl: `${this.settings.apiBaseUrl}/`, retry: false, timeout: this.config.http.timeoutMs });
  }
}
