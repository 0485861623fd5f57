import { MetricsService } from '@calbridge/core';
import { AuditService, BlockedSlotsService, ConflictsService, JobSnapshots, SlotChanges, StaffRepository } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { SyncCalendar } from '../connections/entities/sync-calendar.entity';
import type { SyncConnection } from '../connections/entities/sync-connection.entity';
import { AccountContexts } from '../credentials/account-contexts.service';
import { ChannelsService } from '../webhooks/channels.service';
import type { AccountContext, CalendarProvider, CalendarRef, PullRequest, PullResult } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-error';
import { SYNC_ACTOR } from '../engine/sync-actor';
import { ProviderRegistry } from '../providers/provider-registry';
import { syncConfig } from '../sync.config';
import { PulledSlots } from './pulled-slots';

const SLOT_REASON = 'Busy (connected calendar)';

export interface PullOptions {
  /** Ignore stored cursors (resync). */
  full: boolean;
  /** Fetch every object again, even unchanged ones (re-expands recurrences as the window moves). */
  refetch: boolean;
}

export interface PullSummary {
  calendars: number;
  events: number;
  deleted: number;
  resyncs: number;
  slots: SlotChanges;
}

/**
 * Pull (external -> blocked slots). For each pulled calendar: changes since the stored cursor
 * (a full listing when there is none, or when the provider no longer accepts it), applied in one
 * transaction that also refreshes the staff member's conflicts.
 */
@Injectable()
export class PullService {
  private readonly logger = new Logger(PullService.name);
  private readonly resyncs;
  private readonly pulledEvents;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly slots: PulledSlots,
    private readonly registry: ProviderRegistry,
    private readonly accounts: AccountContexts,
    private readonly channels: ChannelsService,
    private readonly staff: StaffRepository,
    private readonly schedule: JobSnapshots,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly blockedSlots: BlockedSlotsService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    metrics: MetricsService,
  ) {
    this.resyncs = metrics.counter('calbridge_sync_cursor_resyncs_total', 'Full resyncs after a provider rejected a cursor', ['provider']);
    this.pulledEvents = metrics.counter('calbridge_sync_pulled_events_total', 'Remote events fetched by pull', ['provider']);
  }

  /** Pulls every pulled calendar of the connection. Provider failures leave as classified ProviderErrors. */
  async pullConnection(connection: SyncConnection, options: PullOptions): Promise<PullSummary> {
    const provider = this.registry.get(connection.provider);
    const calendars = (await this.connections.calendars(connection.id)).filter((c) => c.pull && !c.removedAt);
    const summary: PullSummary = { calendars: calendars.length, events: 0, deleted: 0, resyncs: 0, slots: { created: 0, updated: 0, deleted: 0 } };
    if (!calendars.length) return summary;
    const account = await this.registry.call(provider, () => this.accounts.for(connection));
    const zone = await this.schedule.staffZone(connection.staffId);
    const firstSync = calendars.some((c) => !c.cursor) || options.full;
    if (firstSync && connection.status === 'active') await this.connections.markSyncing(connection.id);
    for (const calendar of calendars) {
      try {
        await this.pullCalendar(provider, account, connection, calendar, zone, options, summary);
      } catch (error) {
        const classified = this.registry.classify(provider, error);
        if (classified.code !== 'NotFound') throw classified;
        // The calendar itself is gone: stop pulling it and drop what it blocked.
        await this.removeCalendar(connection, calendar);
      }
    }
    await this.channels.ensure(connection, provider, account, calendars);
    return summary;
  }

  private async pullCalendar(
    provider: CalendarProvider,
    account: AccountContext,
    connection: SyncConnection,
    calendar: SyncCalendar,
    zone: string,
    options: PullOptions,
    summary: PullSummary,
  ): Promise<void> {
    const ref: CalendarRef = { id: calendar.id, externalId: calendar.externalId, timezone: calendar.timezone, metadata: calendar.metadata };
    const now = Date.now();
    const window = {
      from: new Date(now - this.config.pull.windowPastDays * 86_400_000),
      to: new Date(now + this.config.pull.windowFutureDays * 86_400_000),
    };
    const request = (cursor: string | null) => ({
      cursor,
      window,
      defaultZone: zone,
      knownVersions: () => (options.refetch ? Promise.resolve(new Map<string, string | null>()) : this.slots.knownVersions(calendar.id)),
    });
    let result = await this.pullOnce(provider, account, ref, request(options.full ? null : calendar.cursor));
    if (result.kind === 'cursor_expired') {
      // The provider no longer accepts the cursor: list the calendar in full, now, once.
      this.resyncs.inc({ provider: provider.key });
      summary.resyncs++;
      this.logger.log({ connectionId: connection.id, calendarId: calendar.id }, `Cursor expired (${result.reason}); full resync`);
      result = await this.pullOnce(provider, account, ref, request(null));
      if (result.kind === 'cursor_expired') throw new ProviderError('Transient', 'The provider rejected a full listing as an expired cursor');
    }
    const changes = result;
    this.pulledEvents.inc({ provider: provider.key }, changes.upserts.length);
    summary.events += changes.upserts.length;
    summary.deleted += changes.deletions.length;

    if (!changes.upserts.length && !changes.deletions.length && !changes.complete) {
      // Nothing changed (the usual poll): no slot can move, so no schedule version bump and no conflict work.
      await this.connections.setCursor(this.dataSource.manager, calendar.id, changes.nextCursor, false);
      return;
    }
    await this.dataSource.transaction(async (em) => {
      await this.staff.touchSchedules(em, [connection.staffId]);
      // Disconnecting or unticking the calendar takes the same staff lock first: a pull that
      // listed the calendar before either committed must not bring its slots back.
      if (!(await this.stillPulled(em, connection.id, calendar.id))) return;
      const target = { staffId: connection.staffId, connectionId: connection.id, calendarId: calendar.id, reason: SLOT_REASON };
      const applied = await this.slots.applyUpserts(em, target, changes.upserts);
      applied.deleted += await this.slots.applyDeletions(em, calendar.id, changes.deletions);
      if (changes.complete) {
        const listed = [...changes.upserts.map((e) => e.externalId), ...changes.unchanged];
        applied.deleted += await this.slots.keepOnly(em, calendar.id, listed, window.from);
      }
      await this.connections.setCursor(em, calendar.id, changes.nextCursor, changes.complete);
      if (applied.created + applied.updated + applied.deleted > 0) {
        await this.audit.record(em, {
          actor: SYNC_ACTOR,
          action: 'blocked_slots.synced',
          entityType: 'sync_calendar',
          entityId: calendar.id,
          staffId: connection.staffId,
          after: { connectionId: connection.id, ...applied, full: changes.complete },
        });
      }
      await this.blockedSlots.externalSlotsChanged(em, { staffId: connection.staffId, ...applied });
      await this.conflicts.refresh(em, [connection.staffId], SYNC_ACTOR);
      summary.slots.created += applied.created;
      summary.slots.updated += applied.updated;
      summary.slots.deleted += applied.deleted;
    });
  }

  private async stillPulled(em: EntityManager, connectionId: string, calendarId: string): Promise<boolean> {
    const current = await this.connections.lock(em, connectionId);
    if (!current || current.status === 'disconnected') return false;
    const calendar = (await this.connections.calendars(connectionId, em)).find((c) => c.id === calendarId);
    return !!calendar && calendar.pull && !calendar.removedAt;
  }

  private async removeCalendar(connection: SyncConnection, calendar: SyncCalendar): Promise<void> {
    this.logger.warn({ connectionId: connection.id, calendarId: calendar.id }, 'A pulled calendar no longer exists; its blocked slots are removed');
    await this.connections.markCalendarRemoved(calendar.id);
    await this.dataSource.transaction(async (em) => {
      await this.staff.touchSchedules(em, [connection.staffId]);
      const deleted = await this.slots.clearCalendars(em, [calendar.id]);
      await this.blockedSlots.externalSlotsChanged(em, { staffId: connection.staffId, created: 0, updated: 0, deleted });
      await this.conflicts.refresh(em, [connection.staffId], SYNC_ACTOR);
    });
  }

  /** One pull; an expired cursor the provider reports by throwing (e.g. Google's 410) counts as `cursor_expired` too. */
  private async pullOnce(provider: CalendarProvider, account: AccountContext, ref: CalendarRef, request: PullRequest): Promise<PullResult> {
    try {
      return await this.registry.call(provider, () => provider.pullChanges(account, ref, request));
    } catch (error) {
      if (ProviderError.is(error, 'CursorExpired') && request.cursor !== null) return { kind: 'cursor_expired', reason: error.message };
      throw error;
    }
  }
}
