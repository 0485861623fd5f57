import { z } from 'zod';

/**
 * The one environment schema of calbridge. Every variable the api, the worker and the CLI read is
 * declared here, with a development default where one is safe. Libraries read their slice through
 * `registerAs` namespaces (see `*.config.ts` next to each module), never through `process.env`.
 */

/** Development defaults for secrets: clearly labelled, refused in production. */
export const DEV_SECRETS = {
  AUTH_JWT_SECRET: 'dev-only-insecure-auth-jwt-secret-change-me',
  FEED_SIGNING_SECRET: 'dev-only-insecure-feed-signing-secret-change-me',
  // 32 bytes, base64. Development only.
  CREDENTIALS_ENCRYPTION_KEY: 'ZGV2LW9ubHktaW5zZWN1cmUtY3JlZGVudGlhbHMta2U=',
} as const;

const MIN_SECRET_LENGTH = 32;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL (${protocols.join(' or ')})`);

const stripTrailingSlash = (v: string): string => v.replace(/\/+$/, '');

/**
 * Job statuses (API.md "Job statuses"). Declared here, where the configuration validates
 * FEED_STATUSES (which of them a feed shows) against them; scheduling's job rules use the same list.
 */
export const JOB_STATUSES = [
  'pending',
  'confirmed',
  'contingent',
  'seeking_replacement',
  'arrived',
  'completed',
  'cancelled',
  'no_show',
] as const;

const statusList = z
  .string()
  .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(JOB_STATUSES)).min(1, 'must name at least one job status'));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: int(0, 65535).default(3000),

    DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/calbridge'),
    DATABASE_POOL_SIZE: int(1, 200).default(10),
    DATABASE_LOG_QUERIES: bool.default('false'),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only')
      .default('calbridge'),

    AUTH_JWT_SECRET: z.string().min(16).default(DEV_SECRETS.AUTH_JWT_SECRET),
    FEED_SIGNING_SECRET: z.string().min(16).default(DEV_SECRETS.FEED_SIGNING_SECRET),
    CREDENTIALS_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .default(DEV_SECRETS.CREDENTIALS_ENCRYPTION_KEY),

    PUBLIC_BASE_URL: url(['http:', 'https:']).transform(stripTrailingSlash).default('http://127.0.0.1:3000'),
    PLATFORM_JOB_URL: z
      .string()
      .refine((v) => v.includes('{jobId}'), 'must contain the placeholder {jobId}')
      .default('http://127.0.0.1:3000/jobs/{jobId}'),

    GOOGLE_CLIENT_ID: z.string().optional(),
    GOOGLE_CLIENT_SECRET: z.string().optional(),
    GOOGLE_API_BASE_URL: url(['http:', 'https:']).transform(stripTrailingSlash).default('https://www.googleapis.com'),
    GOOGLE_OAUTH_AUTHORIZE_URL: url(['http:', 'https:']).default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_OAUTH_TOKEN_URL: url(['http:', 'https:']).default('https://oauth2.googleapis.com/token'),
    MICROSOFT_CLIENT_ID: z.string().optional(),
    MICROSOFT_CLIENT_SECRET: z.string().optional(),
    MICROSOFT_AUTHORITY_URL: url(['http:', 'https:'])
      .transform(stripTrailingSlash)
      .default('https://login.microsoftonline.com/common'),
    MICROSOFT_GRAPH_BASE_URL: url(['http:', 'https:'])
      .transform(stripTrailingSlash)
      .default('https://graph.microsoft.com'),

    DEMO_DATA: bool.optional(),

    // HTTP hardening (libs/core/src/http; README "Operations").
    /** A request body must have fully arrived this long after the request started, or the answer is 408. */
    HTTP_BODY_TIMEOUT_MS: int(100, 600_000).default(15_000),
    /** Strict-Transport-Security max-age for requests that came over https (directly or via a trusted proxy); 0 = never. */
    HSTS_MAX_AGE_SECONDS: int(0, 63_072_000).default(15_552_000),
    /** Bearer token a Prometheus scraper sends to GET /metrics (unset and METRICS_PUBLIC off: /metrics answers 404). */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Serve GET /metrics to anyone (only behind a network that keeps it private). */
    METRICS_PUBLIC: bool.default('false'),
    /** On SIGTERM, how long requests being served and tasks being processed may take to finish. */
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
    /** GET /health reports the outbox down when its oldest unrelayed event is older than this. */
    HEALTH_OUTBOX_MAX_LAG_SECONDS: int(1, 86_400).default(300),
    /** ...and a queue down when its oldest waiting task has waited longer than this. */
    HEALTH_QUEUE_MAX_AGE_SECONDS: int(1, 86_400).default(900),
    /** HMAC key of booking manage links; unset: FEED_SIGNING_SECRET (under a label of its own). */
    BOOKING_SIGNING_SECRET: z.string().min(MIN_SECRET_LENGTH).optional(),
    /** Requests per minute one address (IPv4, or IPv6 /64) may make to all `/public` routes together. */
    PUBLIC_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(120),

    // iCal feed (libs/ical-feed/src/ical-feed.config.ts; README "iCal feed").
    FEED_TOKEN_TTL_DAYS: int(1, 3650).default(183),
    FEED_EXPIRY_WARNING_DAYS: int(0, 365).default(14),
    FEED_WINDOW_PAST_DAYS: int(0, 3650).default(30),
    FEED_WINDOW_FUTURE_DAYS: int(1, 3650).default(365),
    FEED_STATUSES: statusList.default(JOB_STATUSES.join(',')),
    FEED_CANCELLED_POLICY: z.enum(['mark', 'omit']).default('mark'),
    FEED_UTC_ONLY: bool.default('false'),
    FEED_REFRESH_MINUTES: int(5, 1440).default(60),
    FEED_MANAGE_URL: url(['http:', 'https:']).optional(),
    FEED_RATE_LIMIT_FAILURES: int(1, 1_000_000).default(20),
    FEED_RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(600),
    FEED_CACHE_MAX_MB: int(1, 16_384).default(128),
    FEED_EVENT_CACHE_MAX_ENTRIES: int(0, 10_000_000).default(100_000),
    FEED_FAST_PATH: bool.default('true'),
    /** The fast path logs 304s as one summary line per this many seconds (each 304 only at debug). */
    FEED_NOT_MODIFIED_LOG_SECONDS: int(1, 86_400).default(60),
    /** Feed heads kept in memory per api process (staff members); 0 = every poll asks Postgres. */
    FEED_HEAD_CACHE_MAX_ENTRIES: int(0, 10_000_000).default(100_000),
    /** Longest a poll may be answered from memory without proof (a heartbeat through LISTEN/NOTIFY) that it saw every change. */
    FEED_HEAD_MAX_STALENESS_MS: int(100, 60_000).default(1_000),

    OUTBOX_RELAY_ENABLED: bool.default('true'),
    OUTBOX_POLL_INTERVAL_MS: int(50, 60_000).default(1000),
    OUTBOX_BATCH_SIZE: int(1, 5000).default(200),
    OUTBOX_RETENTION_DAYS: int(1, 3650).default(7),

    // Calendar sync (libs/calendar-sync, read through its `sync` config namespace).
    /** Earlier encryption keys (comma-separated, 32 bytes base64 each) still accepted for decryption during a rotation. */
    CREDENTIALS_PREVIOUS_KEYS: z
      .string()
      .refine(
        (v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
        'must be comma-separated 32-byte base64 keys',
      )
      .optional(),
    SYNC_PULL_INTERVAL_SECONDS: int(1, 86_400).default(300),
    SYNC_TICK_INTERVAL_MS: int(100, 3_600_000).default(60_000),
    SYNC_RECONCILE_CRON: z.string().trim().min(9).default('17 3 * * *'),
    SYNC_WINDOW_PAST_DAYS: int(0, 3650).default(30),
    SYNC_WINDOW_FUTURE_DAYS: int(1, 3650).default(365),
    SYNC_WORKER_CONCURRENCY: int(1, 200).default(4),
    SYNC_CONNECTION_CONCURRENCY: int(1, 16).default(1),
    SYNC_MAX_ATTEMPTS: int(1, 50).default(8),
    SYNC_BACKOFF_BASE_MS: int(10, 3_600_000).default(2_000),
    SYNC_BACKOFF_MAX_MS: int(100, 86_400_000).default(900_000),
    SYNC_ERROR_THRESHOLD: int(1, 1000).default(5),
    SYNC_PUSH_CANCELLED: z.enum(['remove', 'mark']).default('remove'),
    SYNC_HTTP_TIMEOUT_MS: int(100, 600_000).default(30_000),
    SYNC_CALDAV_DEFAULT_SERVER_URL: url(['http:', 'https:']).default('https://caldav.icloud.com'),
    /** Comma-separated host names (`*.example.org` allowed) users may point CalDAV at; unset = any public host. */
    SYNC_CALDAV_ALLOWED_HOSTS: z.string().optional(),
    /** Allow CalDAV servers on loopback/private addresses (default: everywhere but production). */
    SYNC_CALDAV_ALLOW_PRIVATE_NETWORKS: bool.optional(),
    /**
     * HMAC key signing the OAuth `state` (Google/Microsoft connect). Unset: derived from
     * CREDENTIALS_ENCRYPTION_KEY (HKDF), so a deployment needs no extra secret.
     */
    OAUTH_STATE_SECRET: z.string().min(MIN_SECRET_LENGTH).optional(),
    /** How long a user has to finish the provider's consent screen. */
    OAUTH_STATE_TTL_SECONDS: int(60, 3600).default(600),

    // Notifications (libs/notifications, read through its `notifications` config namespace).
    /** One webhook delivery attempt may take this long before it counts as failed (and is retried). */
    WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
    /** Failed webhook deliveries are retried with back-off for this long after the event, then given up. */
    WEBHOOK_RETRY_HOURS: int(1, 168).default(24),
    /** First retry delay; it doubles per attempt up to WEBHOOK_BACKOFF_MAX_MS. */
    WEBHOOK_BACKOFF_BASE_MS: int(10, 3_600_000).default(5_000),
    WEBHOOK_BACKOFF_MAX_MS: int(100, 86_400_000).default(3_600_000),
    /** Lanes (one subscription's messages about one job) one worker process delivers at once, across all subscriptions. */
    WEBHOOK_WORKER_CONCURRENCY: int(1, 1000).default(128),
    /** Lanes of ONE subscription in flight at once, across all workers (a slow receiver holds no more than this). */
    WEBHOOK_SUBSCRIPTION_CONCURRENCY: int(1, 1000).default(16),
    /** A worker's claim on a lane lasts this long unless renewed (it is, every third of it, while the worker lives): what a crashed worker costs. */
    WEBHOOK_LEASE_MS: int(500, 600_000).default(15_000),
    /** Allow webhook URLs on loopback/private addresses and plain http (default: everywhere but production). */
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool.optional(),
    /** Delivered and given-up webhook messages (and their attempt log) are pruned after this. */
    WEBHOOK_LOG_RETENTION_DAYS: int(1, 3650).default(30),
    /** Calendly webhook signing key (the `signing_key` given when the subscription was created); unset: /webhooks/calendly answers 404. */
    CALENDLY_WEBHOOK_SIGNING_KEY: z.string().min(8).optional(),
    /** How old a Calendly signature's timestamp may be (replay window). */
    CALENDLY_WEBHOOK_TOLERANCE_SECONDS: int(10, 3600).default(180),
    /** SMTP server for email invitations (`smtp://user:pass@host:587`, `smtps://…:465`); unset: no email. */
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    /** Sender and iTIP ORGANIZER of invitations (`Name <address>` or an address). */
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address or "Name <address>"')
      .default('calbridge <calendar@calbridge.invalid>'),
    /** Sending attempts per email before it is given up (SMTP failures are retried with back-off). */
    MAIL_MAX_ATTEMPTS: int(1, 100).default(12),
    MAIL_BACKOFF_BASE_MS: int(10, 3_600_000).default(5_000),
    /** Emails one worker process sends at once. */
    MAIL_WORKER_CONCURRENCY: int(1, 100).default(4),
  })
  .superRefine((env, ctx) => {
    const pairs: Array<[string | undefined, string | undefined, string]> = [
      [env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET, 'GOOGLE'],
      [env.MICROSOFT_CLIENT_ID, env.MICROSOFT_CLIENT_SECRET, 'MICROSOFT'],
    ];
    for (const [id, secret, name] of pairs) {
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [`${name}_CLIENT_${id ? 'SECRET' : 'ID'}`],
          message: `${name}_CLIENT_ID and ${name}_CLIENT_SECRET enable the provider together: set both or neither`,
        });
      }
    }
    if (env.NODE_ENV !== 'production') return;
    for (const name of Object.keys(DEV_SECRETS) as Array<keyof typeof DEV_SECRETS>) {
      const value = env[name];
      if (value === DEV_SECRETS[name]) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: 'is unset or the development default; production needs a real secret',
        });
      } else if (name !== 'CREDENTIALS_ENCRYPTION_KEY' && value.length < MIN_SECRET_LENGTH) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `must be at least ${MIN_SECRET_LENGTH} characters in production`,
        });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parses and validates an environment. Throws {@link ConfigValidationError} listing every problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (docker-compose passes `FOO=` through as "").
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigValidationError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'} ${i.message}`));
  }
  return result.data;
}

/** Names of secrets that still carry their development default (logged as a warning at boot). */
export function devSecretsInUse(env: Env): string[] {
  return (Object.keys(DEV_SECRETS) as Array<keyof typeof DEV_SECRETS>).filter((k) => env[k] === DEV_SECRETS[k]);
}
