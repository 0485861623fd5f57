import { MetricsService } from '@calbridge/core';
import { ConflictsService, StaffRepository } from '@calbridge/scheduling';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { SyncConnection } from '../connections/entities/sync-connection.entity';
import { AccountContexts } from '../credentials/account-contexts.service';
import { ChannelsService } from '../webhooks/channels.service';
import { ProviderRegistry } from '../providers/provider-registry';
import { PulledSlots } from '../pull/pulled-slots';
import { SYNC_ACTOR } from '../engine/sync-actor';
import { PushService } from '../push/push.service';
import { PushedEventsRepository } from '../push/pushed-events.repository';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';

const FAN_OUT_LIMIT = 5_000;

/**
 * The cron fallback. A tick (every SYNC_TICK_INTERVAL_MS) enqueues a pull for each connection
 * whose last sync is older than its interval (with per-connection jitter) and a push for each
 * connection with due pending pushes (retrying failed ones). The nightly reconcile lists every
 * calendar in full, checks pushed events against the calendar, removes orphaned blocked slots
 * and sweeps conflicts. Crons only fan out per-connection jobs, each enqueue on its own.
 */
@Injectable()
export class MaintenanceService implements OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly ticks;
  /** Set at shutdown: a tick still running then stops fanning out instead of hitting closed queues. */
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly ledger: PushedEventsRepository,
    private readonly slots: PulledSlots,
    private readonly push: PushService,
    private readonly queues: SyncQueues,
    private readonly registry: ProviderRegistry,
    private readonly accounts: AccountContexts,
    private readonly channels: ChannelsService,
    private readonly staff: StaffRepository,
    private readonly conflicts: ConflictsService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    this.ticks = metrics.counter('calbridge_sync_ticks_total', 'Cron fallback ticks run');
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  async tick(now: number = Date.now()): Promise<{ pulls: number; pushes: number }> {
    this.ticks.inc();
    const bucket = Math.floor(now / this.config.queues.tickIntervalMs);
    const duePulls = await this.connections.dueForPull(this.config.pull.intervalMs, FAN_OUT_LIMIT);
    const duePushes = await this.ledger.connectionsWithDueWork(FAN_OUT_LIMIT);
    let pulls = 0;
    for (const id of duePulls) {
      pulls += await this.each('pull', id, () => this.queues.requestTickPull(id, `t${bucket}`));
    }
    let pushes = 0;
    for (const id of duePushes) pushes += await this.each('push', id, () => this.queues.kickPush([id], 'tick', `t${bucket}`));
    return { pulls, pushes };
  }

  async reconcile(now: number = Date.now()): Promise<{ connections: number; orphanedSlotStaff: number }> {
    const stamp = `n${Math.floor(now / 60_000)}`;
    const ids = await this.connections.liveConnectionIds();
    for (const id of ids) {
      await this.each('reconcile', id, async () => {
        await this.queues.requestPull(id, { full: true, refetch: true, reason: 'nightly reconcile' }, stamp);
        await this.queues.requestMaintenance('push.reconcile', { connectionId: id, inventory: true }, `${id}-${stamp}`);
      });
    }
    const orphaned = await this.dataSource.transaction(async (em) => {
      const staffIds = await this.slots.deleteOrphans(em);
      if (staffIds.length) {
        await this.staff.touchSchedules(em, staffIds);
        await this.conflicts.refresh(em, staffIds, SYNC_ACTOR);
      }
      return staffIds;
    });
    await this.queues.refreshConflicts(await this.connections.staffWithExternalSlots(), stamp);
    // A cleanup after a disconnect that never finished (the provider unreachable for a day): credentials go anyway.
    await this.connections.forgetStaleCredentials(86_400_000);
    return { connections: ids.length, orphanedSlotStaff: orphaned.length };
  }

  /**
   * After a disconnect: stop the push channels, delete what was pushed (when asked), then forget
   * the credentials and mappings. Rejected credentials or a permanent refusal end the cleanup
   * (the credentials are forgotten all the same); transient trouble retries.
   */
  async purge(connection: SyncConnection, removePushedEvents: boolean): Promise<number> {
    const provider = this.registry.get(connection.provider);
    let removed = 0;
    try {
      const account = await this.accounts.for(connection);
      await this.channels.stopAll(connection.id, provider, account);
      if (removePushedEvents) removed = await this.push.removeAll(connection);
    } catch (error) {
      const classified = this.registry.classify(provider, error);
      if (classified.code === 'Transient' || classified.code === 'RateLimited') throw classified;
      this.logger.warn({ connectionId: connection.id, code: classified.code }, `Cleanup after disconnect ended early: ${classified.message}`);
      await this.channels.stopAll(connection.id, provider, null);
    }
    await this.dataSource.transaction(async (em) => {
      await this.ledger.deleteAll(em, connection.id);
      await this.connections.forgetCredentials(em, connection.id);
    });
    return removed;
  }

  /** One connection's enqueue, on its own: a failure is logged and the fan-out goes on. */
  private async each(what: string, connectionId: string, fn: () => Promise<void>): Promise<number> {
    if (this.stopping) return 0;
    try {
      await fn();
      return 1;
    } catch (error) {
      this.logger.error({ connectionId, err: (error as Error).message }, `Could not enqueue ${what}`);
      return 0;
    }
  }
}
