import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { redisConfig } from '../config/core.config';

/** BullMQ on the configured Redis, every queue under QUEUE_PREFIX (api and worker). */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [redisConfig.KEY],
          useFactory: (redis: ConfigType<typeof redisConfig>) => ({
            connection: { url: redis.url },
            prefix: redis.queuePrefix,
          }),
        }),
      ],
      exports: [BullModule],
    };
  }
}
