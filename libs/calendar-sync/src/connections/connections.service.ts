import { Principal, ApiError } from '@calbridge/core';
import { actorOf, AuditService, BlockedSlotsService, ConflictsService, StaffRepository } from '@calbridge/scheduling';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PulledSlots } from '../pull/pulled-slots';
import { PushedEventsRepository } from '../push/pushed-events.repository';
import { SyncQueues } from '../queues/sync-queues.service';
import { ChannelsService } from '../webhooks/channels.service';
import { ConnectionView, toConnectionView } from './connection.view';
import { ConnectionViews } from './connection-views.service';
import { ConnectionsRepository } from './connections.repository';
import type { UpdateConnectionDto } from './dto/update-connection.dto';

/**
 * A connection's life after connecting: choosing calendars and privacy, resync, disconnect.
 * (Reading: ConnectionViews; connecting: AccountConnector, CaldavConnect, OAuthConnectService.)
 */
@Injectable()
export class ConnectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly views: ConnectionViews,
    private readonly slots: PulledSlots,
    private readonly ledger: PushedEventsRepository,
    private readonly queues: SyncQueues,
    private readonly channels: ChannelsService,
    private readonly staffRepository: StaffRepository,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly blockedSlots: BlockedSlotsService,
  ) {}

  async update(principal: Principal, id: string, dto: UpdateConnectionDto): Promise<ConnectionView> {
    const connection = await this.views.requireConnection(id);
    await this.views.requireOwner(principal, connection.staffId);
    if (connection.status === 'disconnected') throw ApiError.conflict('CONNECTION_DISCONNECTED', 'This connection was disconnected; connect the account again');
    const calendars = await this.connections.calendars(id);
    const byId = new Map(calendars.filter((k) => !k.removedAt).map((k) => [k.id, k]));
    if (dto.pushCalendarId) {
      const target = byId.get(dto.pushCalendarId);
      if (!target) throw ApiError.unprocessable('CALENDAR_NOT_FOUND', `Calendar ${dto.pushCalendarId} is not a calendar of this account`);
      if (target.readOnly) throw ApiError.unprocessable('CALENDAR_READ_ONLY', `Calendar "${target.name}" is read-only`);
    }
    const unknown = (dto.pullCalendarIds ?? []).filter((k) => !byId.has(k));
    if (unknown.length) throw ApiError.unprocessable('CALENDAR_NOT_FOUND', `Not calendars of this account: ${unknown.join(', ')}`, { calendarIds: unknown });

    const before = toConnectionView(connection, calendars);
    const pullIds = dto.pullCalendarIds ? [...new Set(dto.pullCalendarIds)] : undefined;
    const stoppedPulling = pullIds ? calendars.filter((k) => k.pull && !pullIds.includes(k.id)).map((k) => k.id) : [];
    const startedPulling = pullIds ? pullIds.filter((k) => !byId.get(k)!.pull) : [];
    const pushChanged = dto.pushCalendarId !== undefined && dto.pushCalendarId !== before.pushCalendarId;
    const privacyChanged = dto.includeClientNames !== undefined && dto.includeClientNames !== connection.includeClientNames;
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (em) => {
      if (stoppedPulling.length) await this.staffRepository.touchSchedules(em, [connection.staffId]);
      await this.connections.lock(em, id);
      await this.connections.setRoles(em, id, dto.pushCalendarId, pullIds);
      if (privacyChanged) await this.connections.update(id, { includeClientNames: dto.includeClientNames! }, em);
      if (stoppedPulling.length) {
        const deleted = await this.slots.clearCalendars(em, stoppedPulling);
        await this.blockedSlots.externalSlotsChanged(em, { staffId: connection.staffId, created: 0, updated: 0, deleted });
        await this.conflicts.refresh(em, [connection.staffId], actor);
      }
      const after = toConnectionView({ ...connection, includeClientNames: dto.includeClientNames ?? connection.includeClientNames }, await this.connections.calendars(id, em));
      await this.audit.record(em, {
        actor,
        action: 'calendar_connection.updated',
        entityType: 'calendar_connection',
        entityId: id,
        staffId: connection.staffId,
        before: { pushCalendarId: before.pushCalendarId, pullCalendarIds: before.pullCalendarIds, includeClientNames: before.includeClientNames },
        after: { pushCalendarId: after.pushCalendarId, pullCalendarIds: after.pullCalendarIds, includeClientNames: after.includeClientNames },
      });
    });
    if (pushChanged || privacyChanged) await this.queues.requestMaintenance('push.reconcile', { connectionId: id, inventory: false }, `${id}-u${Date.now()}`);
    if (startedPulling.length) await this.queues.requestPull(id, { full: false, refetch: false, reason: 'calendars added' }, `u${Date.now()}`);
    return this.views.view(id);
  }

  /** Full resync now: cursors forgotten, every calendar listed and fetched again, pushed events checked against the calendar. */
  async resync(principal: Principal, id: string): Promise<ConnectionView> {
    const connection = await this.views.requireConnection(id);
    await this.views.requireOwner(principal, connection.staffId);
    if (connection.status === 'disconnected') throw ApiError.conflict('CONNECTION_DISCONNECTED', 'This connection was disconnected; connect the account again');
    if (connection.status === 'needs_reauth') {
      throw ApiError.conflict('CONNECTION_NEEDS_REAUTH', 'The provider rejected the stored credentials; connect the account again (CalDAV: with a new app-specific password)');
    }
    await this.dataSource.transaction(async (em) => {
      await this.connections.resetCursors(id, em);
      await this.connections.update(id, { status: 'syncing', failureCount: 0, backoffUntil: null, lastError: null }, em);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'calendar_connection.resync_requested',
        entityType: 'calendar_connection',
        entityId: id,
        staffId: connection.staffId,
      });
    });
    const stamp = `s${Date.now()}`;
    await this.queues.requestPull(id, { full: true, refetch: true, reason: 'resync' }, stamp);
    await this.queues.requestMaintenance('push.reconcile', { connectionId: id, inventory: true }, `${id}-${stamp}`);
    return this.views.view(id);
  }

  /**
   * Disconnects: pulling stops and the blocked slots go at once; credentials are forgotten now,
   * or once the pushed events are removed when asked to (that needs them). Returns whether
   * removal was queued.
   */
  async remove(principal: Principal, id: string, removePushedEvents: boolean): Promise<{ status: HttpStatus; removingPushedEvents: boolean }> {
    const connection = await this.views.requireConnection(id);
    await this.views.requireOwner(principal, connection.staffId);
    const actor = actorOf(principal);
    // Removing pushed events and stopping push channels need the credentials: a purge job does both, then forgets them.
    const purge = connection.credentials !== null && (removePushedEvents || (await this.channels.hasChannels(id)));
    await this.dataSource.transaction(async (em) => {
      await this.staffRepository.touchSchedules(em, [connection.staffId]);
      await this.connections.lock(em, id);
      await this.connections.update(id, { status: 'disconnected', backoffUntil: null }, em);
      await this.connections.resetCursors(id, em);
      const removed = await this.slots.clearConnection(em, id);
      await this.blockedSlots.externalSlotsChanged(em, { staffId: connection.staffId, created: 0, updated: 0, deleted: removed });
      await this.conflicts.refresh(em, [connection.staffId], actor);
      if (!purge) await this.connections.forgetCredentials(em, id);
      if (!purge || !removePushedEvents) await this.ledger.deleteAll(em, id);
      await this.audit.record(em, {
        actor,
        action: 'calendar_connection.disconnected',
        entityType: 'calendar_connection',
        entityId: id,
        staffId: connection.staffId,
        before: { status: connection.status },
        after: { status: 'disconnected', blockedSlotsRemoved: removed, removePushedEvents },
      });
    });
    if (purge) await this.queues.requestMaintenance('connection.purge', { connectionId: id, removePushedEvents }, `${id}-d${Date.now()}`);
    const removing = purge && removePushedEvents;
    return { status: removing ? HttpStatus.ACCEPTED : HttpStatus.NO_CONTENT, removingPushedEvents: removing };
  }
}
