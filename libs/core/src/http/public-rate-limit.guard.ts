import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { appConfig } from '../config/core.config';
import { ApiError } from '../errors/api-error';
import { RedisService } from '../redis/redis.module';
import { addressBucket } from './client-address';

const WINDOW_SECONDS = 60;

/**
 * Rate limit of the unauthenticated `/public` routes: `PUBLIC_RATE_LIMIT_PER_MINUTE` requests per
 * address (IPv4, or IPv6 /64) and minute for every such route together, counted in Redis so that
 * all api processes share it (a fixed one-minute window per address). Over the limit: 429
 * `RATE_LIMITED` with `Retry-After`. Runs before validation, so bad requests count too. When
 * Redis is unavailable requests go through (logged), as for the feed's failure limiter.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly logger = new Logger(PublicRateLimitGuard.name);
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const bucket = addressBucket(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const key = this.redis.key('public', 'rate', bucket);
    let window: { count: number; ttl: number };
    try {
      window = await this.redis.countInWindow(key, WINDOW_SECONDS);
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error }, 'Public rate limiter unavailable (Redis); not limiting');
      }
      return true;
    }
    const limit = this.config.publicRateLimitPerMinute;
    if (window.count <= limit) return true;
    const retryAfter = window.ttl;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new ApiError(429, 'RATE_LIMITED', `Too many requests from your address; try again in ${retryAfter} s`, {
      retryAfterSeconds: retryAfter,
    });
  }
}
