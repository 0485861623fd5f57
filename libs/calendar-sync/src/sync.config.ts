import { currentEnv } from '@calbridge/core';
import { registerAs } from '@nestjs/config';

/** Everything calendar sync reads from the environment (validated once in libs/core's schema). */
export const syncConfig = registerAs('sync', () => {
  const env = currentEnv();
  const isProduction = env.NODE_ENV === 'production';
  return {
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
