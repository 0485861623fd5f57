import { currentEnv } from '@calbridge/core';
import { registerAs } from '@nestjs/config';

/** Everything notifications read from the environment (validated once in libs/core's schema). */
export const notificationsConfig = registerAs('notifications', () => {
  const env = currentEnv();
  return {
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryWindowMs: env.WEBHOOK_RETRY_HOURS * 3_600_000,
      backoffBaseMs: env.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: env.WEBHOOK_BACKOFF_MAX_MS,
      workerConcurrency: env.WEBHOOK_WORKER_CONCURRENCY,
      subscriptionConcurrency: env.WEBHOOK_SUBSCRIPTION_CONCURRENCY,
      leaseMs: env.WEBHOOK_LEASE_MS,
      /** Messages of one lane sent (one after the other) per claim. */
      laneBatch: 20,
      /** How often a worker looks for due lanes it was not told about (retries, other workers' fan-out, expired leases). */
      pollIntervalMs: 1_000,
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? env.NODE_ENV !== 'production',
      logRetentionDays: env.WEBHOOK_LOG_RETENTION_DAYS,
      /** How often one worker prunes the delivery log. */
      sweepIntervalMs: 60_000,
    },
    /** Webhook signing secrets are sealed with the credentials key (earlier keys still open them). */
    secrets: {
      key: env.CREDENTIALS_ENCRYPTION_KEY,
      previousKeys: (env.CREDENTIALS_PREVIOUS_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    },
    calendly: {
      signingKey: env.CALENDLY_WEBHOOK_SIGNING_KEY ?? null,
      toleranceSeconds: env.CALENDLY_WEBHOOK_TOLERANCE_SECONDS,
    },
    email: {
      /** Null: email is off. */
      smtpUrl: env.SMTP_URL ?? null,
      from: parseMailbox(env.MAIL_FROM),
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      backoffBaseMs: env.MAIL_BACKOFF_BASE_MS,
      workerConcurrency: env.MAIL_WORKER_CONCURRENCY,
    },
    /** Links in Slack texts point at the job in the platform. */
    platformJobUrl: env.PLATFORM_JOB_URL,
  };
});

export type NotificationsConfig = ReturnType<typeof notificationsConfig>;

/** `Name <address>` or `address` → its parts. */
export function parseMailbox(value: string): { name: string | null; address: string } {
  const match = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(value);
  if (!match) return { name: null, address: value.trim() };
  return { name: match[1].replace(/^"|"$/g, '') || null, address: match[2] };
}
