import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { redisConfig } from '../config/core.config';
import { TaskContextWorker } from './task-log-context';

/** BullMQ on the configured Redis, every queue under QUEUE_PREFIX (api and worker); processors log with their task id. */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    // Every processor's log lines carry its task's id (the documented hook for another worker class).
    BullModule.workerClass = TaskContextWorker;
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
