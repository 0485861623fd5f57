import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { appConfig, authConfig, httpConfig, redisConfig } from './config/core.config';
import { validateEnv } from './config/env';
import { HealthContributors } from './health/health-contributors';
import { GracefulShutdown } from './http/graceful-shutdown';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { KnownQueues } from './queue/known-queues';
import { RedisModule } from './redis/redis.module';

export type ServiceName = 'api' | 'worker' | 'cli';

/** Configuration (validated once), logging, Redis and metrics: what every calbridge process needs. */
@Module({})
export class CoreModule {
  static forRoot(service: ServiceName): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: true,
          validate: validateEnv,
          load: [appConfig, authConfig, redisConfig, httpConfig],
        }),
        LoggingModule.forRoot(service),
        RedisModule,
        MetricsModule,
        AuthModule,
        DiscoveryModule,
      ],
      providers: [HealthContributors, KnownQueues, GracefulShutdown],
      exports: [LoggingModule, AuthModule, HealthContributors, KnownQueues],
    };
  }
}
