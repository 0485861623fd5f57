import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { httpConfig } from '../config/core.config';
import { KnownQueues } from '../queue/known-queues';
import { RedisService } from '../redis/redis.module';
import { HealthContributors } from './health-contributors';
import { HEARTBEAT_TTL_SECONDS, readWorkerHeartbeat } from './worker-heartbeat';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisService,
    private readonly contributors: HealthContributors,
    private readonly queues: KnownQueues,
    @Inject(httpConfig.KEY) private readonly config: ConfigType<typeof httpConfig>,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Postgres, Redis, worker heartbeat, outbox lag, age of the oldest waiting task per queue; 503 when any is down',
  })
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([
        () => this.db.pingCheck('postgres', { timeout: 2000 }),
        () => this.redisCheck(),
        () => this.workerCheck(),
        () => this.queuesCheck(),
        ...this.contributors.entries().map(([name, check]) => () => this.contributed(name, check)),
      ]);
    } catch (error) {
      // A failing check is an answer, not an error: 503 with the same report.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  private async redisCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      const pong = await this.redis.client.ping();
      return pong === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected reply ${pong}` });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  /** Per queue: waiting, active, delayed and failed counts and how long the oldest waiting task has waited. */
  private async queuesCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('queues');
    const now = Date.now();
    const report: Record<string, unknown> = {};
    const late: string[] = [];
    try {
      for (const queue of this.queues.all()) {
        const [counts, oldest] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          queue.getJobs(['waiting'], -1, -1, true),
        ]);
        const ageSeconds = oldest[0] ? Math.max(0, Math.round((now - oldest[0].timestamp) / 1000)) : 0;
        report[queue.name] = { ...counts, oldestWaitingSeconds: ageSeconds };
        if (ageSeconds > this.config.health.queueMaxAgeSeconds) late.push(queue.name);
      }
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
    return late.length
      ? indicator.down({ ...report, message: `tasks waiting longer than ${this.config.health.queueMaxAgeSeconds}s in ${late.join(', ')}` })
      : indicator.up(report);
  }

  private async contributed(name: string, check: () => Promise<{ up: boolean; details: Record<string, unknown> }>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(name);
    try {
      const report = await check();
      return report.up ? indicator.up(report.details) : indicator.down(report.details);
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  private async workerCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('worker');
    try {
      const beat = await readWorkerHeartbeat(this.redis);
      if (!beat) return indicator.down({ message: `no worker heartbeat in the last ${HEARTBEAT_TTL_SECONDS}s` });
      return indicator.up({ instance: beat.instance, lastHeartbeatAt: beat.at });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
