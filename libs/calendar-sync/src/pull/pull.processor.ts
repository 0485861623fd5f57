import { MetricsService } from '@calbridge/core';
import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { Histogram } from 'prom-client';
import { ConnectionTurns } from '../engine/connection-turns';
import { PULL_TASK_NAMES, PullTask, SYNC_PULL_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { PullService } from './pull.service';

@Processor(SYNC_PULL_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class PullProcessor extends TaskWorkerHost<PullTask> {
  protected readonly taskNames = PULL_TASK_NAMES;
  private readonly notifiedLatency: Histogram<'provider'>;

  constructor(
    private readonly turns: ConnectionTurns,
    private readonly pull: PullService,
    metrics: MetricsService,
  ) {
    super();
    this.notifiedLatency = metrics.histogram(
      'calbridge_sync_webhook_to_slot_seconds',
      'From a provider notification (the pull it queued) to that pull committed: blocked slots and conflicts current',
      ['provider'],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
  }

  protected handlers(): TaskHandlers<PullTask> {
    return {
      'pull.connection': async (task: Job<PullTask['data']>) => {
        const turn = await this.turns.begin(task.data.connectionId, { stampsSync: true });
        if (!turn) return null;
        const summary = await turn.settle(this.pull.pullConnection(turn.connection, { full: task.data.full, refetch: task.data.refetch }));
        // Queued by a webhook: the time from the notification to its changes committed.
        if (summary && task.data.reason.startsWith('notification')) this.notifiedLatency.observe({ provider: turn.connection.provider }, (Date.now() - task.timestamp) / 1000);
        return summary;
      },
    };
  }
}
