import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
import { PULL_JOB_NAMES, PullJob, SYNC_PULL_QUEUE, syncBackoffStrategy } from '../queues/sync-jobs';
import { JobHandlers, TypedWorkerHost } from '../queues/typed-worker-host';
import { syncConfig } from '../sync.config';
import { PullService } from './pull.service';

@Processor(SYNC_PULL_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PullProcessor extends TypedWorkerHost<PullJob> {
  protected readonly jobNames = PULL_JOB_NAMES;

  constructor(
    private readonly runner: ConnectionRunner,
    private readonly pull: PullService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {
    super();
  }

  protected concurrency(): number {
    return this.config.queues.workerConcurrency;
  }

  protected handlers(): JobHandlers<PullJob> {
    return {
      'pull.connection': (job: Job<PullJob['data']>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, { stampsSync: true }, (connection) =>
          this.pull.pullConnection(connection, { full: job.data.full, refetch: job.data.refetch }),
        ),
    };
  }
}
