import { currentEnv } from '@calbridge/core';
import { registerAs } from '@nestjs/config';
import { hkdfSync } from 'node:crypto';

/** Everything calendar sync reads from the environment (validated once in libs/core's schema). */
export const syncConfig = registerAs('sync', () => {
  const env = currentEnv();
  const isProduction = env.NODE_ENV === 'production';
  /** Google Calendar: enabled when GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set. */
  const google =
    env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
      ? {
          clientId: env.GOOGLE_CLIENT_ID,
          clientSecret: env.GOOGLE_CLIENT_SECRET,
          apiBaseUrl: env.GOOGLE_API_BASE_URL,
          authorizeUrl: env.GOOGLE_OAUTH_AUTHORIZE_URL,
          tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
        }
      : null;
  /** Microsoft Outlook (Graph): enabled when MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are set. */
  const microsoft =
    env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET
      ? {
          clientId: env.MICROSOFT_CLIENT_ID,
          clientSecret: env.MICROSOFT_CLIENT_SECRET,
          authorityUrl: env.MICROSOFT_AUTHORITY_URL,
          graphBaseUrl: env.MICROSOFT_GRAPH_BASE_URL,
        }
      : null;
  return {
    /** Keys of the providers this deployment offers: CalDAV always, OAuth providers when their client is configured. */
    enabledProviders: ['caldav', ...(google ? ['google'] : []), ...(microsoft ? ['microsoft'] : [])],
    credentials: {
      key: env.CREDENTIALS_ENCRYPTION_KEY,
      previousKeys: (env.CREDENTIALS_PREVIOUS_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    },
    pull: {
      intervalMs: env.SYNC_PULL_INTERVAL_SECONDS * 1000,
      windowPastDays: env.SYNC_WINDOW_PAST_DAYS,
      windowFutureDays: env.SYNC_WINDOW_FUTURE_DAYS,
    },
    push: {
      /** What a cancelled or no-show job becomes in the staff member's calendar. */
      cancelled: env.SYNC_PUSH_CANCELLED,
      platformJobUrl: env.PLATFORM_JOB_URL,
    },
    queues: {
      tickIntervalMs: env.SYNC_TICK_INTERVAL_MS,
      reconcileCron: env.SYNC_RECONCILE_CRON,
      workerConcurrency: env.SYNC_WORKER_CONCURRENCY,
      connectionConcurrency: env.SYNC_CONNECTION_CONCURRENCY,
      maxAttempts: env.SYNC_MAX_ATTEMPTS,
      backoffBaseMs: env.SYNC_BACKOFF_BASE_MS,
      backoffMaxMs: env.SYNC_BACKOFF_MAX_MS,
      errorThreshold: env.SYNC_ERROR_THRESHOLD,
    },
    http: { timeoutMs: env.SYNC_HTTP_TIMEOUT_MS },
    channels: {
      /** Providers call `<PUBLIC_BASE_URL>/webhooks/<provider>`. */
      webhookBaseUrl: `${env.PUBLIC_BASE_URL}/webhooks`,
      /** Asked-for lifetime of a channel (providers may grant less). */
      ttlMs: 7 * 86_400_000,
      /** Channels expiring within this are replaced at the next pull (pulls run at least every interval). */
      renewWithinMs: Math.max(3_600_000, 3 * env.SYNC_PULL_INTERVAL_SECONDS * 1000),
    },
    oauth: {
      /** HMAC key of the signed OAuth `state` (OAUTH_STATE_SECRET, else derived from the credentials key). */
      stateSecret: env.OAUTH_STATE_SECRET ?? deriveKey(env.CREDENTIALS_ENCRYPTION_KEY, 'calbridge oauth state'),
      stateTtlMs: env.OAUTH_STATE_TTL_SECONDS * 1000,
      /** Providers send the user back to `<PUBLIC_BASE_URL>/oauth/<provider>/callback` (the registered redirect URI). */
      callbackBaseUrl: `${env.PUBLIC_BASE_URL}/oauth`,
      /** Where the user lands afterwards: the web UI, with the outcome in the fragment. */
      appUrl: `${env.PUBLIC_BASE_URL}/app/`,
    },
    google,
    microsoft,
    caldav: {
      defaultServerUrl: env.SYNC_CALDAV_DEFAULT_SERVER_URL,
      allowedHosts: (env.SYNC_CALDAV_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      allowPrivateNetworks: env.SYNC_CALDAV_ALLOW_PRIVATE_NETWORKS ?? !isProduction,
    },
  };
});

export type SyncConfig = ReturnType<typeof syncConfig>;

function deriveKey(base64Key: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', Buffer.from(base64Key, 'base64'), Buffer.alloc(0), purpose, 32)).toString('base64');
}
