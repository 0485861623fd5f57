import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
import { PUSH_TASK_NAMES, PushTask, SYNC_PUSH_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { PushService } from './push.service';

@Processor(SYNC_PUSH_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PushProcessor extends TaskWorkerHost<PushTask> {
  protected readonly taskNames = PUSH_TASK_NAMES;

  constructor(
    private readonly runner: ConnectionRunner,
    private readonly push: PushService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<PushTask> {
    return {
      'push.connection': (job: Job<PushTask['data']>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, {}, (connection) => this.push.drain(connection)),
    };
  }
}
