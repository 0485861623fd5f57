import { ApiError, Principal } from '@calbridge/core';
import { StaffService } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { CalendarView, ConnectionView, toCalendarView, toConnectionView } from './connection.view';
import { ConnectionsRepository } from './connections.repository';
import type { SyncConnection } from './entities/sync-connection.entity';

/** Reading connections (who may see which), and the ownership rule every change checks. */
@Injectable()
export class ConnectionViews {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly staff: StaffService,
  ) {}

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

  async view(id: string): Promise<ConnectionView> {
    const connection = await this.requireConnection(id);
    return toConnectionView(connection, await this.connections.calendars(id));
  }

  async requireConnection(id: string): Promise<SyncConnection> {
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
