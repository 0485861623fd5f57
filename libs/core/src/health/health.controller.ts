import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
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
import { RedisService } from '../redis/redis.module';
import { HEARTBEAT_TTL_SECONDS, readWorkerHeartbeat } from './worker-heartbeat';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisService,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Postgres, Redis and worker heartbeat; 503 when any is down' })
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([
        () => this.db.pingCheck('postgres', { timeout: 2000 }),
        () => this.redisCheck(),
        () => this.workerCheck(),
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
