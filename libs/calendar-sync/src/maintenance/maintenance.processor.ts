import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ConnectionTurns } from '../engine/connection-turns';
import { PushService } from '../push/push.service';
import { MAINTENANCE_TASK_NAMES, MaintenanceTask, SYNC_MAINTENANCE_QUEUE, syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { MaintenanceService } from './maintenance.service';

type Data<N extends MaintenanceTask['name']> = Extract<MaintenanceTask, { name: N }>['data'];

@Processor(SYNC_MAINTENANCE_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class MaintenanceProcessor extends TaskWorkerHost<MaintenanceTask> {
  protected readonly taskNames = MAINTENANCE_TASK_NAMES;
  protected override readonly concurrency = (workerConcurrency: number) => Math.ceil(workerConcurrency / 2);

  constructor(
    private readonly turns: ConnectionTurns,
    private readonly maintenance: MaintenanceService,
    private readonly push: PushService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<MaintenanceTask> {
    return {
      'maintenance.tick': () => this.maintenance.tick(),
      'maintenance.reconcile': () => this.maintenance.reconcile(),
      'push.reconcile': async (task: Job<Data<'push.reconcile'>>) => {
        const turn = await this.turns.begin(task.data.connectionId);
        return turn && turn.settle(this.push.reconcile(turn.connection, task.data.inventory));
      },
      'connection.purge': async (task: Job<Data<'connection.purge'>>) => {
        const turn = await this.turns.begin(task.data.connectionId, { allowDisconnected: true });
        return turn && turn.settle(this.maintenance.purge(turn.connection, task.data.removePushedEvents));
      },
    };
  }
}
