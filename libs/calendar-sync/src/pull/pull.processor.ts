import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
import { PULL_TASK_NAMES, PullTask, SYNC_PULL_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { PullService } from './pull.service';

@Processor(SYNC_PULL_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PullProcessor extends TaskWorkerHost<PullTask> {
  protected readonly taskNames = PULL_TASK_NAMES;

  constructor(
    private readonly runner: ConnectionRunner,
    private readonly pull: PullService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<PullTask> {
    return {
      'pull.connection': (job: Job<PullTask['data']>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, { stampsSync: true }, (connection) =>
          this.pull.pullConnection(connection, { full: job.data.full, refetch: job.data.refetch }),
        ),
    };
  }
}
