import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../auth/auth.decorators';
import { httpConfig } from '../config/core.config';
import { ApiError } from '../errors/api-error';
import { MetricsService } from './metrics.service';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus metrics, opt-in: with METRICS_TOKEN set the scraper sends it as a bearer token
 * (`authorization: { credentials: ... }` in Prometheus), with METRICS_PUBLIC=true anyone may read
 * them, otherwise the route answers 404. (Metrics tell how busy a deployment is and which routes
 * fail; they are not for the public by default.)
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(httpConfig.KEY) private readonly config: ConfigType<typeof httpConfig>,
  ) {
    this.expected = config.metrics.token ? digest(config.metrics.token) : null;
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); Authorization: Bearer <METRICS_TOKEN> unless METRICS_PUBLIC' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!this.config.metrics.public) {
      if (!this.expected) {
        throw ApiError.notFound('METRICS_DISABLED', 'Metrics are off: set METRICS_TOKEN (or METRICS_PUBLIC=true) to serve them');
      }
      const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      // Compared as digests: constant time, whatever the lengths.
      if (!presented || !timingSafeEqual(digest(presented), this.expected)) {
        throw new ApiError(401, 'METRICS_TOKEN_REQUIRED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
    }
    const text = await this.metrics.registry.metrics();
    // Set only on success: refusals are JSON errors like everywhere else.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return text;
  }
}
