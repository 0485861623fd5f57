import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PUSH_TASK_NAMES, PushTask, SYNC_PUSH_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { PushService } from './push.service';

/** The push queue: one task per connection with pending pushes (step 2 of the walk in PushService). */
@Processor(SYNC_PUSH_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PushProcessor extends TaskWorkerHost<PushTask> {
  protected readonly taskNames = PUSH_TASK_NAMES;

  constructor(private readonly push: PushService) {
    super();
  }

  protected handlers(): TaskHandlers<PushTask> {
    return {
      'push.connection': (task: Job<PushTask['data']>) => this.push.pushConnection(task.data.connectionId),
    };
  }
}
