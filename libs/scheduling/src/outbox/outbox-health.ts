import { HealthContributors, httpConfig } from '@calbridge/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxRepository } from './outbox.repository';

/**
 * `/health` reports the outbox: how many committed changes wait to be relayed and how old the
 * oldest is; down when it is older than HEALTH_OUTBOX_MAX_LAG_SECONDS (the relay is stuck or
 * too slow: calendars and feeds fall behind).
 */
@Injectable()
export class OutboxHealth implements OnModuleInit {
  constructor(
    private readonly contributors: HealthContributors,
    private readonly outbox: OutboxRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(httpConfig.KEY) private readonly config: ConfigType<typeof httpConfig>,
  ) {}

  onModuleInit(): void {
    this.contributors.register('outbox', async () => {
      const lag = await this.outbox.lag(this.dataSource.manager);
      const max = this.config.health.outboxMaxLagSeconds;
      return {
        up: lag.oldestSeconds <= max,
        details: { pending: lag.pending, oldestPendingSeconds: lag.oldestSeconds, ...(lag.oldestSeconds > max ? { message: `unrelayed events older than ${max}s` } : {}) },
      };
    });
  }
}
