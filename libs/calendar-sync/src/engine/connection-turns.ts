import { MetricsService } from '@calbridge/core';
import { AuditService, OutboxService, StaffRepository } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { ConnectionsRepository } from '../connections/connections.repository';
import { LIVE_STATUSES, SyncConnection } from '../connections/entities/sync-connection.entity';
import { ProviderError } from '../providers/provider-error';
import { ConnectionSemaphore, Lease } from '../queues/connection-semaphore';
import { PostponeError, RetryLaterError } from '../queues/sync-tasks';
import { syncConfig } from '../sync.config';
import { Decision, decide, onSuccess } from './sync-error-policy';
import { SYNC_ACTOR } from './sync-actor';

export interface TurnOptions {
  /** Take the turn for a disconnected connection too (purging what it pushed). */
  allowDisconnected?: boolean;
  /** A successful turn stamps `lastSyncedAt` (pulls). */
  stampsSync?: boolean;
}

/**
 * One task's turn on one connection: the connection as read when the turn began, holding one of
 * the connection's concurrency slots until {@link Turn.settle}.
 */
export interface Turn {
  readonly connection: SyncConnection;
  /**
   * Awaits the turn's work, writes the outcome into the connection's health through the one
   * error policy, and frees the slot. Resolves to the work's value, or to null when the policy
   * drops the step (the object is gone); rejects with what tells the queue what comes next:
   * {@link RetryLaterError} (back-off, resync), {@link PostponeError} (a rate limit: wait without
   * spending an attempt), UnrecoverableError (needs_reauth or a permanent refusal), or the
   * error itself when it is not a provider's (database trouble: BullMQ's own back-off).
   */
  settle<T>(work: Promise<T>): Promise<T | null>;
}

/**
 * Every task that works on a connection (push, pull, push reconcile, purge) takes a turn:
 * `const turn = await turns.begin(id); if (!turn) return null; return turn.settle(work(turn.connection));`.
 * `begin` skips connections that are gone or waiting for the user, postpones the task while the
 * connection backs off or all its slots (SYNC_CONNECTION_CONCURRENCY, a Redis lease renewed while
 * held: a killed worker frees its slot within seconds) are taken; `settle` applies the policy.
 */
@Injectable()
export class ConnectionTurns {
  private readonly logger = new Logger(ConnectionTurns.name);
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

  /** The connection's turn, or null when there is nothing to do; throws {@link PostponeError} while it must wait. */
  async begin(connectionId: string, options: TurnOptions = {}): Promise<Turn | null> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) return null;
    const live = LIVE_STATUSES.includes(connection.status) || (options.allowDisconnected && connection.status === 'disconnected');
    if (!live) return null;
    if (connection.backoffUntil && connection.backoffUntil.getTime() > Date.now()) throw new PostponeError(connection.backoffUntil.getTime());
    const lease = await this.semaphore.tryAcquire(connectionId);
    if (!lease) throw new PostponeError(Date.now() + 100 + Math.floor(Math.random() * 400));
    return { connection, settle: (work) => this.settle(connection, lease, options, work) };
  }

  private async settle<T>(connection: SyncConnection, lease: Lease, options: TurnOptions, work: Promise<T>): Promise<T | null> {
    try {
      const value = await work;
      if (connection.status !== 'disconnected') await this.connections.writeHealth(connection.id, onSuccess(connection), options.stampsSync ?? false);
      return value;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return await this.failed(connection, error);
    } finally {
      await lease.release();
    }
  }

  /** The one error policy: health written (needs_reauth recorded and announced once), then what the queue does next. */
  private async failed(connection: SyncConnection, error: ProviderError): Promise<null> {
    const current = (await this.connections.findById(connection.id)) ?? connection;
    const decision = decide(current, error, this.config.queues);
    if (error.code === 'RateLimited') this.rateLimits.inc({ provider: connection.provider });
    else if (error.code !== 'CursorExpired' && error.code !== 'NotFound') this.failures.inc({ provider: connection.provider, code: error.code });
    if (decision.health.status === 'needs_reauth' && LIVE_STATUSES.includes(current.status)) await this.needsReauth(connection.id, decision);
    else await this.connections.writeHealth(connection.id, decision.health, false);
    switch (decision.action.kind) {
      case 'retry':
        throw new RetryLaterError(error.message, decision.action.delayMs);
      case 'wait':
        // Throttled: back in line when the provider said, without spending one of the task's attempts.
        throw new PostponeError(Date.now() + decision.action.delayMs);
      case 'resync':
        // An expired cursor that escaped the pull: forget the cursors, try again with full listings.
        await this.connections.resetCursors(connection.id);
        throw new RetryLaterError(error.message, 0);
      case 'stop':
        this.logger.warn({ connectionId: connection.id, code: error.code, status: error.status }, `Sync stopped: ${error.message}`);
        throw new UnrecoverableError(`${error.code}: ${error.message}`);
      default:
        this.logger.warn({ connectionId: connection.id, code: error.code }, `Sync step dropped: ${error.message}`);
        return null;
    }
  }

  /**
   * The provider refused the credentials: shown on the connection, recorded and announced
   * (connection.needs_reauth through the outbox), once — the row lock settles concurrent tasks.
   */
  private async needsReauth(connectionId: string, decision: Decision): Promise<void> {
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
  }
}
