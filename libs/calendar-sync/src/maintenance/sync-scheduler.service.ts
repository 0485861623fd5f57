import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';

/**
 * Registers the cron fallback as BullMQ job schedulers (worker only): one schedule per
 * deployment however many workers run, surviving restarts, updated in place when the
 * configuration changes.
 */
@Injectable()
export class SyncSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncSchedulerService.name);

  constructor(
    private readonly queues: SyncQueues,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { maintenance } = this.queues.all;
    await maintenance.upsertJobScheduler('sync-tick', { every: this.config.queues.tickIntervalMs }, { name: 'maintenance.tick', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    await maintenance.upsertJobScheduler(
      'sync-nightly-reconcile',
      { pattern: this.config.queues.reconcileCron },
      { name: 'maintenance.reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    this.logger.log(`Sync tick every ${this.config.queues.tickIntervalMs} ms, reconcile at "${this.config.queues.reconcileCron}"`);
  }
}
