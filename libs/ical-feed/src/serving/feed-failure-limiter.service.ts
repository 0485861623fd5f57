import { RedisService } from '@calbridge/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { feedConfig } from '../ical-feed.config';

export interface FailureVerdict {
  limited: boolean;
  /** Seconds until the address may fail again without being limited. */
  retryAfter: number;
}

/**
 * Counts failed feed requests (bad, unknown, rotated URLs) per client address in Redis, a fixed
 * window per address shared by every api instance. Only failures are counted and checked, so a
 * valid feed is served whatever its address did before: an office where one calendar still
 * polls a dead link does not lose the others. When Redis is unavailable the limiter lets
 * requests through (the feed stays up; the failure is logged).
 */
@Injectable()
export class FeedFailureLimiter {
  private readonly logger = new Logger(FeedFailureLimiter.name);
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisService,
    @Inject(feedConfig.KEY) private readonly config: ConfigType<typeof feedConfig>,
  ) {}

  async recordFailure(address: string): Promise<FailureVerdict> {
    const { failures, windowSeconds } = this.config.rateLimit;
    const key = this.redis.key('feed', 'failures', address);
    try {
      const { count, ttl } = await this.redis.countInWindow(key, windowSeconds);
      return { limited: count > failures, retryAfter: ttl };
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error }, 'Feed failure limiter unavailable (Redis); not limiting');
      }
      return { limited: false, retryAfter: 0 };
    }
  }
}
