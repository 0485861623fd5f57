import { currentEnv } from '@calbridge/core';
import type { JobStatus } from '@calbridge/scheduling';
import { registerAs } from '@nestjs/config';

/** What a feed shows and how (deployment policy; README "iCal feed"). */
export interface FeedPolicy {
  /** Job statuses that appear in feeds. */
  statuses: JobStatus[];
  /** cancelled / no_show: `mark` = STATUS:CANCELLED, `omit` = left out. */
  cancelled: 'mark' | 'omit';
  /** Times in UTC (`...Z`) instead of TZID + VTIMEZONE. */
  utcOnly: boolean;
  pastDays: number;
  futureDays: number;
  refreshMinutes: number;
  /** Days before expiry during which the feed carries a warning. */
  warningDays: number;
  /** `PLATFORM_JOB_URL`, with `{jobId}`. */
  jobUrlTemplate: string;
  /** Where a staff member generates a new link (shown in the expiry warning), if the deployment has a page for it. */
  manageUrl: string | null;
}

export const feedConfig = registerAs('feed', () => {
  const env = currentEnv();
  const policy: FeedPolicy = {
    statuses: env.FEED_STATUSES,
    cancelled: env.FEED_CANCELLED_POLICY,
    utcOnly: env.FEED_UTC_ONLY,
    pastDays: env.FEED_WINDOW_PAST_DAYS,
    futureDays: env.FEED_WINDOW_FUTURE_DAYS,
    refreshMinutes: env.FEED_REFRESH_MINUTES,
    warningDays: env.FEED_EXPIRY_WARNING_DAYS,
    jobUrlTemplate: env.PLATFORM_JOB_URL,
    manageUrl: env.FEED_MANAGE_URL ?? null,
  };
  return {
    signingSecret: env.FEED_SIGNING_SECRET,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    tokenTtlDays: env.FEED_TOKEN_TTL_DAYS,
    policy,
    rateLimit: { failures: env.FEED_RATE_LIMIT_FAILURES, windowSeconds: env.FEED_RATE_LIMIT_WINDOW_SECONDS },
    cache: { maxBytes: env.FEED_CACHE_MAX_MB * 1024 * 1024, maxEvents: env.FEED_EVENT_CACHE_MAX_ENTRIES },
    fastPath: env.FEED_FAST_PATH,
    notModifiedLogMs: env.FEED_NOT_MODIFIED_LOG_SECONDS * 1000,
    heads: { maxEntries: env.FEED_HEAD_CACHE_MAX_ENTRIES, maxStalenessMs: env.FEED_HEAD_MAX_STALENESS_MS },
  };
});

export type FeedConfig = ReturnType<typeof feedConfig>;
