import { ApiError, Principal } from '@calbridge/core';
import { actorOf, AuditService, BlockedSlotsService, ConflictsService, StaffRepository, StaffService } from '@calbridge/scheduling';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CredentialsVault } from '../credentials/credentials-vault.service';
import { ChannelsService } from '../webhooks/channels.service';
import type { ConnectInput } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-error';
import { ProviderRegistry } from '../providers/provider-registry';
import { assertServerUrlAllowed, ServerNotAllowedError } from '../providers/caldav/server-url-policy';
import { PulledSlots } from '../pull/pulled-slots';
import { PushedEventsRepository } from '../push/pushed-events.repository';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';
import { ConnectionsRepository } from './connections.repository';
import type { CreateCaldavConnectionDto } from './dto/create-caldav-connection.dto';
import type { UpdateConnectionDto } from './dto/update-connection.dto';
import type { SyncCalendar } from './entities/sync-calendar.entity';
import type { SyncConnection } from './entities/sync-connection.entity';

export interface ConnectionView {
  id: string;
  staffId: string;
  provider: string;
  accountEmail: string;
  serverUrl: string | null;
  status: SyncConnection['status'];
  pushCalendarId: string | null;
  pullCalendarIds: string[];
  includeClientNames: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
  failureCount: number;
  /** Rate limits met in a row (throttling is not a failure: the status stays, `backoffUntil` says when it goes on). */
  rateLimitedCount: number;
  backoffUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CalendarView {
  id: string;
  externalId: string;
  name: string;
  color: string | null;
  timezone: string | null;
  readOnly: boolean;
  push: boolean;
  pull: boolean;
  lastPulledAt: string | null;
  removed: boolean;
}

export function toConnectionView(c: SyncConnection, calendars: SyncCalendar[]): ConnectionView {
  return {
    id: c.id,
    staffId: c.staffId,
    provider: c.provider,
    accountEmail: c.accountEmail,
    serverUrl: c.serverUrl,
    status: c.status,
    pushCalendarId: calendars.find((k) => k.push)?.id ?? null,
    pullCalendarIds: calendars.filter((k) => k.pull).map((k) => k.id),
    includeClientNames: c.includeClientNames,
    lastSyncedAt: c.lastSyncedAt?.toISOString() ?? null,
    lastError: c.lastError,
    failureCount: c.failureCount,
    rateLimitedCount: c.rateLimitedCount,
    backoffUntil: c.backoffUntil?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toCalendarView(k: SyncCalendar): CalendarView {
  return {
    id: k.id,
    externalId: k.externalId,
    name: k.name,
    color: k.color,
    timezone: k.timezone,
    readOnly: k.readOnly,
    push: k.push,
    pull: k.pull,
    lastPulledAt: k.lastPulledAt?.toISOString() ?? null,
    removed: k.removedAt !== null,
  };
}

const APP_PASSWORD_HINT =
  'The server refused these credentials. iCloud needs an app-specific password (appleid.apple.com -> Sign-In and Security -> ' +
  'App-Specific Passwords), not your Apple ID password; other servers may need one too when two-factor authentication is on.';

/** Connections as the API sees them: create (discover, seal), list, choose calendars, resync, disconnect. */
@Injectable()
export class ConnectionsService {

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly slots: PulledSlots,
    private readonly ledger: PushedEventsRepository,
    private readonly registry: ProviderRegistry,
    private readonly vault: CredentialsVault,
    private readonly queues: SyncQueues,
    private readonly channels: ChannelsService,
    private readonly staff: StaffService,
    private readonly staffRepository: StaffRepository,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly blockedSlots: BlockedSlotsService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  /** Connects a CalDAV account (iCloud by default): discovery validates the credentials before anything is stored. */
  async createCaldav(principal: Principal, staffId: string, dto: CreateCaldavConnectionDto): Promise<{ created: boolean; view: ConnectionView }> {
    await this.requireOwner(principal, staffId);
    const serverUrl = (dto.serverUrl ?? this.config.caldav.defaultServerUrl).trim();
    try {
      await assertServerUrlAllowed(serverUrl, this.config.caldav);
    } catch (error) {
      if (error instanceof ServerNotAllowedError) throw ApiError.unprocessable('CALDAV_SERVER_NOT_ALLOWED', error.message);
      throw ApiError.unprocessable('CALDAV_SERVER_NOT_ALLOWED', 'The CalDAV server URL cannot be resolved');
    }
    try {
      return await this.connect(principal, staffId, 'caldav', { kind: 'password', serverUrl, username: dto.username.trim(), password: dto.appPassword });
    } catch (error) {
      if (error instanceof ProviderError) throw caldavConnectError(error);
      throw error;
    }
  }

  /**
   * Provider-neutral connect (the CalDAV endpoint above; OAuth callbacks with `{ kind: 'oauth_code' }`):
   * the provider validates and discovers, then the connection is stored (or an earlier one of the
   * same account reconnected) with sealed credentials, its calendars and default roles, and a
   * first full sync and push backfill are queued. Provider failures leave as ProviderErrors.
   */
  async connect(principal: Principal, staffId: string, providerKey: string, input: ConnectInput): Promise<{ created: boolean; view: ConnectionView }> {
    await this.requireOwner(principal, staffId);
    const provider = this.registry.get(providerKey);
    const account = await this.registry.call(provider, () => provider.connect(input));
    const actor = actorOf(principal);
    const { id, created } = await this.dataSource.transaction(async (em) => {
      const existing = await this.connections.findByAccount(em, staffId, provider.key, account.accountId);
      const id = existing?.id ?? randomUUID();
      const sealed = this.vault.seal(id, account.credentials);
      const fields = {
        accountEmail: account.accountEmail,
        serverUrl: account.serverUrl,
        credentials: sealed.sealed,
        credentialsKeyId: sealed.keyId,
        metadata: account.metadata,
      };
      if (existing) await this.connections.reconnect(em, id, fields);
      else await this.connections.insert(em, { id, staffId, provider: provider.key, accountId: account.accountId, ...fields });
      const calendars = await this.connections.syncCalendars(em, id, account.calendars);
      const live = calendars.filter((k) => !k.removedAt);
      if (!live.some((k) => k.push || k.pull)) {
        // Defaults: the account's primary calendar is pushed to and pulled from; without one
        // (CalDAV), push into the first writable calendar and pull from every calendar.
        const primaryId = account.calendars.find((c) => c.primary)?.externalId;
        const primary = live.find((k) => k.externalId === primaryId);
        const push = primary ? (primary.readOnly ? null : primary) : (live.find((k) => !k.readOnly) ?? null);
        await this.connections.setRoles(em, id, push?.id ?? null, primary ? [primary.id] : live.map((k) => k.id));
      }
      await this.audit.record(em, {
        actor,
        action: existing ? 'calendar_connection.reconnected' : 'calendar_connection.created',
        entityType: 'calendar_connection',
        entityId: id,
        staffId,
        after: { provider: provider.key, accountEmail: account.accountEmail, serverUrl: account.serverUrl, calendars: live.length },
      });
      return { id, created: !existing };
    });
    await this.queues.requestPull(id, { full: true, refetch: false, reason: 'connected' }, `c${Date.now()}`);
    await this.queues.requestMaintenance('push.reconcile', { connectionId: id, inventory: false }, `${id}-c${Date.now()}`);
    return { created, view: await this.view(id) };
  }

  async list(principal: Principal, staffId: string): Promise<ConnectionView[]> {
    await this.staff.requireAccessible(principal, staffId);
    const connections = await this.connections.listForStaff(staffId);
    const calendars = await this.connections.calendarsOf(connections.map((c) => c.id));
    return connections.map((c) => toConnectionView(c, calendars.filter((k) => k.connectionId === c.id)));
  }

  async get(principal: Principal, id: string): Promise<ConnectionView> {
    const connection = await this.requireConnection(id);
    await this.staff.requireAccessible(principal, connection.staffId);
    return this.view(id);
  }

  async calendars(principal: Principal, id: string): Promise<CalendarView[]> {
    const connection = await this.requireConnection(id);
    await this.requireOwner(principal, connection.staffId);
    return (await this.connections.calendars(id)).map(toCalendarView);
  }

  async update(principal: Principal, id: string, dto: UpdateConnectionDto): Promise<ConnectionView> {
    const connection = await this.requireConnection(id);
    await this.requireOwner(principal, connection.staffId);
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
    return this.view(id);
  }

  /** Full resync now: cursors forgotten, every calendar listed and fetched again, pushed events checked against the calendar. */
  async resync(principal: Principal, id: string): Promise<ConnectionView> {
    const connection = await this.requireConnection(id);
    await this.requireOwner(principal, connection.staffId);
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
    return this.view(id);
  }

  /**
   * Disconnects: pulling stops and the blocked slots go at once; credentials are forgotten now,
   * or once the pushed events are removed when asked to (that needs them). Returns whether
   * removal was queued.
   */
  async remove(principal: Principal, id: string, removePushedEvents: boolean): Promise<{ status: HttpStatus; removingPushedEvents: boolean }> {
    const connection = await this.requireConnection(id);
    await this.requireOwner(principal, connection.staffId);
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

  private async view(id: string): Promise<ConnectionView> {
    const connection = await this.requireConnection(id);
    return toConnectionView(connection, await this.connections.calendars(id));
  }

  private async requireConnection(id: string): Promise<SyncConnection> {
    const connection = await this.connections.findById(id);
    if (!connection) throw ApiError.notFound('CONNECTION_NOT_FOUND', `Connection ${id} does not exist`);
    return connection;
  }

  /** Connections are personal: the staff member themself, or an admin. Dispatchers may only read status. */
  async requireOwner(principal: Principal, staffId: string): Promise<void> {
    await this.staff.requireAccessible(principal, staffId);
    if (principal.role === 'dispatcher') {
      throw ApiError.forbidden('Only the staff member (or an admin) manages their calendar connections', 'CONNECTION_OWNER_ONLY');
    }
  }
}

function caldavConnectError(error: ProviderError): ApiError {
  switch (error.code) {
    case 'AuthRevoked':
      return ApiError.unprocessable('CALDAV_AUTH_FAILED', APP_PASSWORD_HINT);
    case 'Transient':
    case 'RateLimited':
      return new ApiError(HttpStatus.BAD_GATEWAY, 'CALDAV_UNREACHABLE', `The CalDAV server could not be reached: ${error.message}`);
    default:
      return ApiError.unprocessable('CALDAV_DISCOVERY_FAILED', `CalDAV discovery failed: ${error.message}`);
  }
}
