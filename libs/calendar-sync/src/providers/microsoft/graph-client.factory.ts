import { MetricsService } from '@calbridge/core';
import {
  AuthenticationHandler,
  Client,
  Context,
  HTTPMessageHandler,
  Middleware,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { syncConfig } from '../../sync.config';
import { parseRetryAfter, ProviderError } from '../provider-error';
import { countedFetch, remoteRequestsCounter, responseRecorder } from '../remote-requests';
import { MicrosoftTokenError } from './graph-errors';

export type MicrosoftSettings = NonNullable<ConfigType<typeof syncConfig>['microsoft']>;

/** What the Microsoft identity platform's v2.0 token endpoint answers. */
export interface MicrosoftTokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
}

/** The SDK waits out a throttle itself only when it is short; longer ones go to the engine's back-off (no worker held). */
const SDK_RETRY_AFTER_LIMIT_MS = 5_000;
/** The SDK's own defaults (3 retries of 429/503/504, 3 s apart unless Retry-After says otherwise). */
const SDK_RETRY_DELAY_SECONDS = 3;
const SDK_MAX_RETRIES = 3;

/**
 * The one place Microsoft clients are built, every URL from configuration (MICROSOFT_GRAPH_BASE_URL,
 * MICROSOFT_AUTHORITY_URL), so the same code talks to Microsoft or to the local emulator:
 * the Graph SDK (its default middleware, plus a step that counts and times out each request)
 * and the identity platform's documented v2.0 endpoints (authorize, token) with plain fetch.
 */
@Injectable()
export class GraphClientFactory {
  private readonly onRequest: (method: string) => void;
  private readonly onResponse: (status: number | undefined) => void;
  private readonly fetch: typeof fetch;

  constructor(
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    const requests = remoteRequestsCounter(metrics);
    this.onRequest = (method) => requests.inc({ provider: 'microsoft', method });
    this.onResponse = responseRecorder(metrics, 'microsoft');
    this.fetch = countedFetch(this.onRequest, config.http.timeoutMs, this.onResponse);
  }

  get settings(): MicrosoftSettings {
    if (!this.config.microsoft) throw new ProviderError('Permanent', 'Microsoft Outlook is not configured here (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)');
    return this.config.microsoft;
  }

  /**
   * A Graph client taking its bearer token from `accessToken` for each request. `customHosts`:
   * the SDK sends the token only to Graph's own hosts and to these (the emulator's, elsewhere).
   */
  graph(accessToken: () => Promise<string>): Client {
    const { graphBaseUrl } = this.settings;
    const retry = new RetryHandlerOptions(SDK_RETRY_DELAY_SECONDS, SDK_MAX_RETRIES, (_delay, _attempt, _request, _options, response) => {
      const retryAfter = parseRetryAfter(response?.headers?.get('retry-after'));
      return retryAfter === undefined || retryAfter <= SDK_RETRY_AFTER_LIMIT_MS;
    });
    const middleware: Middleware[] = [
      new AuthenticationHandler({ getAccessToken: accessToken }),
      new RetryHandler(retry),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new CountingHandler(this.onRequest, this.config.http.timeoutMs, this.onResponse),
      new HTTPMessageHandler(),
    ];
    return Client.initWithMiddleware({ middleware, baseUrl: graphBaseUrl, defaultVersion: 'v1.0', customHosts: new Set([new URL(graphBaseUrl).hostname]) });
  }

  /** `<authority>/oauth2/v2.0/authorize?…` */
  authorizeUrl(params: Record<string, string>): string {
    const url = new URL(`${this.settings.authorityUrl}/oauth2/v2.0/authorize`);
    url.searchParams.set('client_id', this.settings.clientId);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /** A form POST to `<authority>/oauth2/v2.0/token` (code exchange, refresh) with the client's secret. */
  async token(form: Record<string, string>): Promise<MicrosoftTokenResponse> {
    const { authorityUrl, clientId, clientSecret } = this.settings;
    const res = await this.fetch(`${authorityUrl}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...form }),
    });
    const body = (await res.json().catch(() => ({}))) as Partial<MicrosoftTokenResponse> & { error?: string; error_codes?: number[] };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new MicrosoftTokenError(res.status, body.error ?? 'invalid_response', body.error_codes ?? [], res.headers.get('retry-after'));
    }
    return body as MicrosoftTokenResponse;
  }
}

/** Counts each request the SDK sends (retries included) and gives it the configured timeout. */
class CountingHandler implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly onRequest: (method: string) => void,
    private readonly timeoutMs: number,
    private readonly onResponse: (status: number | undefined) => void,
  ) {}

  async execute(context: Context): Promise<void> {
    const method = context.options?.method ?? (context.request instanceof Request ? context.request.method : 'GET');
    this.onRequest(method.toUpperCase());
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    try {
      await this.next!.execute(context);
    } catch (error) {
      this.onResponse(undefined);
      throw error;
    }
    this.onResponse(context.response?.status);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
