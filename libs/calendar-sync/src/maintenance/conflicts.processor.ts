import { ConflictsService } from '@calbridge/scheduling';
import { Processor } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { SYNC_ACTOR } from '../engine/sync-actor';
import { CONFLICTS_TASK_NAMES, ConflictsTask, SYNC_CONFLICTS_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';

/** Conflict detection sweeps (nightly, and after bulk slot changes): the same refresh, outside a request. */
@Processor(SYNC_CONFLICTS_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class ConflictsProcessor extends TaskWorkerHost<ConflictsTask> {
  protected readonly taskNames = CONFLICTS_TASK_NAMES;
  protected override readonly concurrency = 1;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conflicts: ConflictsService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<ConflictsTask> {
    return {
      'conflicts.refresh': (job: Job<ConflictsTask['data']>) =>
        this.dataSource.transaction(async (em) => {
          // No schedule change here (only the conflict rows follow), so no schedule version bump.
          const result = await this.conflicts.refresh(em, job.data.staffIds, SYNC_ACTOR);
          return { opened: result.opened.length, resolved: result.resolved.length };
        }),
    };
  }
}
