import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Job } from 'bullmq';
import { ConnectionRunner } from '../engine/connection-runner.service';
import { PushService } from '../push/push.service';
import { MAINTENANCE_JOB_NAMES, MaintenanceJob, SYNC_MAINTENANCE_QUEUE, syncBackoffStrategy } from '../queues/sync-jobs';
import { JobHandlers, TypedWorkerHost } from '../queues/typed-worker-host';
import { syncConfig } from '../sync.config';
import { MaintenanceService } from './maintenance.service';

type Data<N extends MaintenanceJob['name']> = Extract<MaintenanceJob, { name: N }>['data'];

@Processor(SYNC_MAINTENANCE_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class MaintenanceProcessor extends TypedWorkerHost<MaintenanceJob> {
  protected readonly jobNames = MAINTENANCE_JOB_NAMES;

  constructor(
    private readonly runner: ConnectionRunner,
    private readonly maintenance: MaintenanceService,
    private readonly push: PushService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {
    super();
  }

  protected concurrency(): number {
    return Math.max(1, Math.ceil(this.config.queues.workerConcurrency / 2));
  }

  protected handlers(): JobHandlers<MaintenanceJob> {
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
