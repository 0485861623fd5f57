import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
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
    private readonly runner: ConnectionRunner,
    private readonly maintenance: MaintenanceService,
    private readonly push: PushService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<MaintenanceTask> {
    return {
      'maintenance.tick': () => this.maintenance.tick(),
      'maintenance.reconcile': () => this.maintenance.reconcile(),
      'push.reconcile': (job: Job<Data<'push.reconcile'>>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, {}, (connection) => this.push.reconcile(connection, job.data.inventory)),
      'connection.purge': (job: Job<Data<'connection.purge'>>, token?: string) =>
        this.runner.run(job, token, job.data.connectionId, { allowDisconnected: true }, (connection) =>
          this.maintenance.purge(connection, job.data.removePushedEvents),
        ),
    };
  }
}
