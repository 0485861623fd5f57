import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
import { PUSH_JOB_NAMES, PushJob, SYNC_PUSH_QUEUE, syncBackoffStrategy } from '../queues/sync-jobs';
import { JobHandlers, TypedWorkerHost } from '../queues/typed-worker-host';
import { syncConfig } from '../sync.config';
import { PushService } from './push.service';

@Processor(SYNC_PUSH_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PushProcessor extends TypedWorkerHost<PushJob> {
  protected readonly jobNames = PUSH_JOB_NAMES;

  constructor(
    private readonly runner: ConnectionRunner,
    private readonly push: PushService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {
    super();
  }

  protected concurrency(): number {
    return this.config.queues.workerConcurrency;
  }

  protected handlers(): JobHandlers<PushJob> {
    return {
      'push.connection': (job: Job<PushJob['data']>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, {}, (connection) => this.push.drain(connection)),
    };
  }
}
