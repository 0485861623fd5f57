import { MetricsService } from '@calbridge/core';
import { DomainEventMessage, JobEventType, JobSnapshot, JobSnapshots } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { SyncCalendar } from '../connections/entities/sync-calendar.entity';
import type { SyncConnection } from '../connections/entities/sync-connection.entity';
import { AccountContexts } from '../credentials/account-contexts.service';
import { ConnectionTurns } from '../engine/connection-turns';
import type { AccountContext, CalendarProvider, CalendarRef } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-error';
import { ProviderRegistry } from '../providers/provider-registry';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';
import { connectionKeyPrefix, eventKey } from '../providers/event-key';
import { buildOutboundEvent } from './outbound-event';
import { PushMeetings } from './push-meetings';
import { PushedEventRow, PushedEventsRepository } from './pushed-events.repository';

const BATCH = 100;

export interface PushSummary {
  processed: number;
  written: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

/**
 * Push (platform -> the staff member's calendar), read top to bottom:
 * 1. {@link onSchedulingEvent} — a committed job change (outbox -> relay -> `scheduling-events`
 *    queue) marks (connection, job) pending in the ledger `sync_pushed_events` for every live
 *    pushing connection of the staff it touches, and queues one deduplicated push task per connection;
 * 2. {@link pushConnection} — the push task takes the connection's turn (back-off, concurrency
 *    slot), drains, and lets the one error policy settle the outcome (Retry-After, needs_reauth…);
 * 3. {@link drain} — the due rows, a batch at a time, each job's CURRENT state;
 * 4. {@link pushOne} — the provider call: delete, move, skip (same hash) or upsert, with the ledger
 *    written around it.
 * Every step is safe to repeat: the event key is deterministic, where an event is about to be
 * written is recorded before the write, and a create that finds the event already there adopts it.
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger(PushService.name);
  private readonly outcomes;

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly ledger: PushedEventsRepository,
    private readonly jobs: JobSnapshots,
    private readonly registry: ProviderRegistry,
    private readonly accounts: AccountContexts,
    private readonly queues: SyncQueues,
    private readonly turns: ConnectionTurns,
    private readonly meetings: PushMeetings,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('calbridge_sync_pushed_total', 'Pushed job events by outcome', ['provider', 'outcome']);
  }

  /** 1. A scheduling event: every live pushing connection of every affected staff member gets a look at the job. */
  async onSchedulingEvent(event: DomainEventMessage<JobEventType>): Promise<number> {
    const staffIds = [...new Set([...(event.payload.affectedStaffIds ?? []), ...(event.payload.staffIds ?? [])])];
    const connections = await this.connections.pushingConnectionsOf(staffIds);
    if (!connections.length) return 0;
    const touched = await this.ledger.markPending(
      connections.map((c) => ({ connectionId: c.id, jobId: event.payload.jobId, eventKey: eventKey(c.id, event.payload.jobId), version: event.payload.version })),
    );
    await this.queues.kickPush(touched, event.type, `e${event.eventId}`);
    return touched.length;
  }

  /**
   * 2. A push task: null when the connection is gone or waits for the user; a postponed task while
   * it backs off or its slots are taken (see {@link ConnectionTurns}).
   */
  async pushConnection(connectionId: string): Promise<PushSummary | null> {
    const turn = await this.turns.begin(connectionId);
    if (!turn) return null;
    return turn.settle(this.drain(turn.connection));
  }

  /** 3. Works through the connection's due ledger rows. Connection-wide failures leave as ProviderErrors. */
  async drain(connection: SyncConnection): Promise<PushSummary> {
    const provider = this.registry.get(connection.provider);
    const summary: PushSummary = { processed: 0, written: 0, deleted: 0, unchanged: 0, failed: 0 };
    let account: AccountContext | undefined;
    const done: string[] = [];
    for (;;) {
      const rows = await this.ledger.due(connection.id, BATCH, done);
      if (!rows.length) return summary;
      const calendars = await this.connections.calendars(connection.id);
      const pushCalendar = calendars.find((c) => c.push && !c.removedAt) ?? null;
      const snapshots = await this.jobs.byIds(rows.map((r) => r.jobId));
      account ??= await this.registry.call(provider, () => this.accounts.for(connection));
      for (const row of rows) {
        done.push(row.jobId);
        summary.processed++;
        try {
          const outcome = await this.pushOne(provider, account, connection, row, snapshots.get(row.jobId) ?? null, pushCalendar, calendars);
          summary[outcome]++;
          this.outcomes.inc({ provider: provider.key, outcome });
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error; // database trouble: the job retries, the row stays due
          const classified = error;
          if (classified.code === 'Permanent' || classified.code === 'NotFound') {
            // This event cannot be written (the server refuses it): park it, carry on with the others.
            await this.ledger.recordFailure(connection.id, row.jobId, `${classified.code}: ${classified.message}`, null);
            this.logger.warn({ connectionId: connection.id, jobId: row.jobId, status: classified.status }, `Push failed for good: ${classified.message}`);
            summary.failed++;
            this.outcomes.inc({ provider: provider.key, outcome: 'failed' });
            continue;
          }
          // Connection-wide trouble (credentials, rate limit, server down): the connection's back-off
          // (or needs_reauth) holds every row; this one stays due and the job retries after it.
          await this.ledger.recordFailure(connection.id, row.jobId, `${classified.code}: ${classified.message}`, 0);
          throw classified;
        }
      }
    }
  }

  /** 4. One row: the job's current state written to (or removed from) the push calendar. */
  private async pushOne(
    provider: CalendarProvider,
    account: AccountContext,
    connection: SyncConnection,
    row: PushedEventRow,
    snapshot: JobSnapshot | null,
    pushCalendar: SyncCalendar | null,
    calendars: SyncCalendar[],
  ): Promise<'written' | 'deleted' | 'unchanged'> {
    const version = snapshot?.version ?? row.desiredVersion;
    const desired = pushCalendar
      ? buildOutboundEvent(snapshot, { connectionId: connection.id, staffId: connection.staffId }, {
          cancelled: this.config.push.cancelled,
          includeClientNames: connection.includeClientNames,
          platformJobUrl: this.config.push.platformJobUrl,
          notBefore: new Date(Date.now() - this.config.pull.windowPastDays * 86_400_000),
        })
      : null;
    const where = row.calendarExternalId
      ? (calendars.find((c) => c.id === row.calendarId) ?? null)
      : null;
    const whereRef: CalendarRef | null = row.calendarExternalId
      ? where
        ? calendarRef(where)
        : { id: row.calendarId ?? '', externalId: row.calendarExternalId, timezone: null, metadata: {} }
      : null;

    // Nothing to show: remove whatever may have been written (also after a crash before the mapping write).
    if (!desired || !pushCalendar) {
      if (whereRef) await this.registry.call(provider, () => provider.deleteEvent(account, whereRef, { key: row.eventKey, externalId: row.externalId, etag: row.etag }));
      await this.ledger.forget(connection.id, row.jobId, Math.max(version, row.desiredVersion));
      return whereRef ? 'deleted' : 'unchanged';
    }

    // The push calendar changed: the event moves.
    if (whereRef && row.calendarId !== pushCalendar.id) {
      await this.registry.call(provider, () => provider.deleteEvent(account, whereRef, { key: row.eventKey, externalId: row.externalId, etag: row.etag }));
      await this.ledger.clearLocation(connection.id, row.jobId);
      row = { ...row, calendarId: null, calendarExternalId: null, externalId: null, etag: null, contentHash: null };
    }

    if (row.externalId && row.calendarId === pushCalendar.id && row.contentHash === desired.contentHash) {
      await this.ledger.markSynced(connection.id, row.jobId, version);
      return 'unchanged';
    }
    const target = calendarRef(pushCalendar);
    if (row.calendarId !== pushCalendar.id) await this.ledger.recordIntent(connection.id, row.jobId, pushCalendar);
    const current = row.externalId ? { externalId: row.externalId, etag: row.etag } : null;
    const fitted = this.meetings.fit(provider, desired);
    const written = await this.registry.call(provider, () => provider.upsertEvent(account, target, fitted.event, current));
    const meeting = { connectionId: connection.id, jobId: row.jobId, attempts: row.attempts };
    const recheck = desired.conference ? await this.meetings.settle(meeting, desired.conference, fitted.outcome ?? written.meeting) : false;
    await this.ledger.recordWrite(connection.id, row.jobId, {
      externalId: written.externalId,
      etag: written.etag,
      contentHash: desired.contentHash,
      version,
      calendarId: pushCalendar.id,
      calendarExternalId: pushCalendar.externalId,
    });
    if (recheck) await this.meetings.recheckLater(meeting);
    return written.writes > 0 ? 'written' : 'unchanged';
  }

  /**
   * Marks every job the staff member should see, and every job already pushed, for a look
   * (initial backfill, a new push calendar, the nightly repair). With `inventory`, also compares
   * the calendar's actual content with the mappings: missing or edited events are rewritten and
   * events of this connection nobody maps are removed.
   */
  async reconcile(connection: SyncConnection, inventory: boolean): Promise<{ marked: number; orphansRemoved: number }> {
    const since = new Date(Date.now() - this.config.pull.windowPastDays * 86_400_000);
    const assigned = await this.jobs.assignedTo(connection.staffId, since);
    await this.ledger.markPending(assigned.map((a) => ({ connectionId: connection.id, jobId: a.jobId, eventKey: eventKey(connection.id, a.jobId), version: a.version })));
    const marked = await this.ledger.markAllPending(connection.id);
    let orphansRemoved = 0;
    const pushCalendar = (await this.connections.calendars(connection.id)).find((c) => c.push && !c.removedAt);
    const provider = this.registry.get(connection.provider);
    if (inventory && pushCalendar && provider.inventory) {
      const account = await this.registry.call(provider, () => this.accounts.for(connection));
      const ref = calendarRef(pushCalendar);
      const items = await this.registry.call(provider, () => provider.inventory!(account, ref, connectionKeyPrefix(connection.id)));
      const rows = await this.ledger.all(connection.id);
      const byKey = new Map(items.map((i) => [i.key, i]));
      const mapped = new Set(rows.map((r) => r.eventKey));
      const missing = rows.filter((r) => r.calendarId === pushCalendar.id && r.externalId && !byKey.has(r.eventKey)).map((r) => r.jobId);
      const edited = rows
        .filter((r) => r.calendarId === pushCalendar.id && r.etag && byKey.has(r.eventKey) && byKey.get(r.eventKey)!.etag !== r.etag)
        .map((r) => r.jobId);
      await this.ledger.markStale(connection.id, missing, true);
      await this.ledger.markStale(connection.id, edited, false);
      for (const orphan of items.filter((i) => !mapped.has(i.key))) {
        await this.registry.call(provider, () => provider.deleteEvent(account, ref, { key: orphan.key, externalId: orphan.externalId, etag: orphan.etag }));
        orphansRemoved++;
      }
    }
    await this.queues.kickPush([connection.id], 'reconcile', `r${Date.now()}`);
    return { marked: marked + assigned.length, orphansRemoved };
  }

  /** Removes every event the connection pushed (disconnect with removePushedEvents). */
  async removeAll(connection: SyncConnection): Promise<number> {
    const provider = this.registry.get(connection.provider);
    const rows = (await this.ledger.all(connection.id)).filter((r) => r.calendarExternalId);
    if (!rows.length) return 0;
    const account = await this.registry.call(provider, () => this.accounts.for(connection));
    const calendars = await this.connections.calendars(connection.id);
    for (const row of rows) {
      const known = calendars.find((c) => c.id === row.calendarId);
      const ref: CalendarRef = known ? calendarRef(known) : { id: row.calendarId ?? '', externalId: row.calendarExternalId!, timezone: null, metadata: {} };
      await this.registry.call(provider, () => provider.deleteEvent(account, ref, { key: row.eventKey, externalId: row.externalId, etag: row.etag }));
      await this.ledger.forget(connection.id, row.jobId, 2_147_483_647);
    }
    return rows.length;
  }
}

function calendarRef(c: SyncCalendar): CalendarRef {
  return { id: c.id, externalId: c.externalId, timezone: c.timezone, metadata: c.metadata };
}
