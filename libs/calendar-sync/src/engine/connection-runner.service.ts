import { MetricsService } from '@calbridge/core';
import { AuditService, OutboxService, StaffRepository } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { ConnectionsRepository } from '../connections/connections.repository';
import { LIVE_STATUSES, SyncConnection } from '../connections/entities/sync-connection.entity';
import { ProviderError } from '../providers/provider-error';
import { SYNC_ACTOR } from './sync-actor';
import { ConnectionSemaphore } from '../queues/connection-semaphore';
import { RetryLaterError } from '../queues/sync-tasks';
import { syncConfig } from '../sync.config';
import { decide, onSuccess } from './sync-error-policy';

export interface RunOptions {
  /** Run for a disconnected connection too (purging what it pushed). */
  allowDisconnected?: boolean;
  /** Successful pulls stamp `lastSyncedAt`. */
  stampsSync?: boolean;
}

export type RunResult<T> = { ran: true; value: T } | { ran: false; reason: string };

/**
 * Runs one queue job's work for one connection: skips connections that are gone or waiting for
 * the user, waits out the connection's back-off, holds the connection's concurrency slot, and
 * turns the outcome into the connection's health through the one error policy (retry after the
 * policy's delay, or stop for good).
 */
@Injectable()
export class ConnectionRunner {
  private readonly logger = new Logger(ConnectionRunner.name);
  private readonly rateLimits: Counter<'provider'>;
  private readonly failures: Counter<'provider' | 'code'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly staff: StaffRepository,
    private readonly semaphore: ConnectionSemaphore,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    this.rateLimits = metrics.counter('calbridge_sync_rate_limits_total', 'Rate limits (429, or 403/503 naming one) met by sync work, by provider; not failures', ['provider']);
    this.failures = metrics.counter('calbridge_sync_failures_total', 'Sync work that failed at a provider, by provider and error code (rate limits apart)', ['provider', 'code']);
  }

  async run<T>(job: Job, token: string | undefined, connectionId: string, options: RunOptions, work: (c: SyncConnection) => Promise<T>): Promise<RunResult<T>> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) return { ran: false, reason: 'connection gone' };
    const live = LIVE_STATUSES.includes(connection.status) || (options.allowDisconnected && connection.status === 'disconnected');
    if (!live) return { ran: false, reason: `connection is ${connection.status}` };
    if (connection.backoffUntil && connection.backoffUntil.getTime() > Date.now()) {
      await this.postpone(job, token, connection.backoffUntil.getTime());
    }
    const lease = await this.semaphore.tryAcquire(connectionId);
    if (!lease) await this.postpone(job, token, Date.now() + 100 + Math.floor(Math.random() * 400));
    try {
      const value = await work(connection);
      if (connection.status !== 'disconnected') {
        await this.connections.writeHealth(connectionId, onSuccess(connection), options.stampsSync ?? false);
      }
      return { ran: true, value };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error; // database or programming errors: BullMQ's own back-off
      const current = (await this.connections.findById(connectionId)) ?? connection;
      const decision = decide(current, error, this.config.queues);
      if (error.code === 'RateLimited') this.rateLimits.inc({ provider: connection.provider });
      else if (error.code !== 'CursorExpired' && error.code !== 'NotFound') this.failures.inc({ provider: connection.provider, code: error.code });
      if (decision.health.status === 'needs_reauth' && LIVE_STATUSES.includes(current.status)) {
        // The provider refused the credentials: shown on the connection, recorded and announced
        // (connection.needs_reauth through the outbox), once — the row lock settles concurrent jobs.
        await this.dataSource.transaction(async (em) => {
          const locked = await this.connections.lock(em, connectionId);
          if (!locked || !LIVE_STATUSES.includes(locked.status)) return;
          await this.connections.writeHealth(connectionId, decision.health, false, em);
          await this.audit.record(em, {
            actor: SYNC_ACTOR,
            action: 'calendar_connection.needs_reauth',
            entityType: 'calendar_connection',
            entityId: connectionId,
            staffId: locked.staffId,
            before: { status: locked.status },
            after: { status: 'needs_reauth', reason: decision.health.lastError },
          });
          await this.outbox.append(em, {
            type: 'connection.needs_reauth',
            aggregateType: 'connection',
            aggregateId: connectionId,
            venueIds: await this.staff.venueIdsOf(em, [locked.staffId]),
            payload: {
              connectionId,
              staffId: locked.staffId,
              provider: locked.provider,
              accountEmail: locked.accountEmail || null,
              reason: decision.health.lastError,
            },
          });
        });
      } else {
        await this.connections.writeHealth(connectionId, decision.health, false);
      }
      switch (decision.action.kind) {
        case 'retry':
          throw new RetryLaterError(error.message, decision.action.delayMs);
        case 'wait':
          // Throttled: back in line when the provider said, without spending one of the job's attempts.
          return await this.postpone(job, token, Date.now() + decision.action.delayMs);
        case 'resync':
          // An expired cursor that escaped the pull: forget the cursors, try again with full listings.
          await this.connections.resetCursors(connectionId);
          throw new RetryLaterError(error.message, 0);
        case 'stop':
          this.logger.warn({ connectionId, code: error.code, status: error.status }, `Sync stopped: ${error.message}`);
          throw new UnrecoverableError(`${error.code}: ${error.message}`);
        default:
          this.logger.warn({ connectionId, code: error.code }, `Sync step dropped: ${error.message}`);
          return { ran: false, reason: error.code };
      }
    } finally {
      await lease?.release();
    }
  }

  /** Puts the job back to wait until `at` without spending an attempt. */
  private async postpone(job: Job, token: string | undefined, at: number): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}
