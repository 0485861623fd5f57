import { ApiError, isPgError, PG_UNIQUE_VIOLATION, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertCanActForStaff, assertRole, canActInVenue } from '../common/access';
import { actorOf } from '../common/actor';
import { VenuesRepository } from '../venues/venues.repository';
import { CreateStaffDto, UpdateStaffDto } from './dto/create-staff.dto';
import { StaffRepository, StaffWithVenues } from './staff.repository';

export interface StaffView {
  id: string;
  name: string;
  email: string;
  venueIds: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toStaffView({ staff, venueIds }: StaffWithVenues): StaffView {
  return {
    id: staff.id,
    name: staff.name,
    email: staff.email,
    venueIds,
    active: staff.active,
    createdAt: staff.createdAt.toISOString(),
    updatedAt: staff.updatedAt.toISOString(),
  };
}

@Injectable()
export class StaffService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly staff: StaffRepository,
    private readonly venues: VenuesRepository,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, dto: CreateStaffDto): Promise<StaffView> {
    assertRole(principal, 'admin', 'dispatcher');
    const venueIds = [...new Set(dto.venueIds)];
    for (const venueId of venueIds) {
      if (!canActInVenue(principal, venueId)) {
        throw ApiError.forbidden(`Venue ${venueId} is outside your scope`, 'VENUE_OUT_OF_SCOPE');
      }
    }
    await this.assertVenuesExist(venueIds);
    try {
      const created = await this.dataSource.transaction(async (em) => {
        if (await this.staff.emailTaken(em, dto.email)) throw this.emailTaken(dto.email);
        const staff = await this.staff.insert(em, { name: dto.name, email: dto.email }, venueIds);
        const view = toStaffView({ staff, venueIds: [...venueIds].sort() });
        await this.audit.record(em, {
          actor: actorOf(principal),
          action: 'staff.created',
          entityType: 'staff',
          entityId: staff.id,
          staffId: staff.id,
          after: view,
        });
        return view;
      });
      return created;
    } catch (error) {
      if (isPgError(error, PG_UNIQUE_VIOLATION, 'staff_email_key')) throw this.emailTaken(dto.email);
      throw error;
    }
  }

  async update(principal: Principal, id: string, dto: UpdateStaffDto): Promise<StaffView> {
    assertRole(principal, 'admin', 'dispatcher');
    const current = await this.requireAccessible(principal, id);
    const nextVenues = dto.venueIds ? [...new Set(dto.venueIds)].sort() : current.venueIds;
    if (dto.venueIds) {
      const changed = [
        ...nextVenues.filter((v) => !current.venueIds.includes(v)),
        ...current.venueIds.filter((v) => !nextVenues.includes(v)),
      ];
      for (const venueId of changed) {
        if (!canActInVenue(principal, venueId)) {
          throw ApiError.forbidden(`Venue ${venueId} is outside your scope`, 'VENUE_OUT_OF_SCOPE');
        }
      }
      await this.assertVenuesExist(nextVenues);
    }
    try {
      return await this.dataSource.transaction(async (em) => {
        if (dto.email && (await this.staff.emailTaken(em, dto.email, id))) throw this.emailTaken(dto.email);
        await this.staff.update(em, id, { name: dto.name, email: dto.email, active: dto.active });
        if (dto.venueIds) await this.staff.setVenues(em, id, nextVenues);
        // A new name also shows in the team line of co-workers' feeds and calendars.
        const renamed = dto.name !== undefined && dto.name !== current.staff.name;
        const coworkers = renamed ? await this.staff.coworkerIds(em, id, new Date(Date.now() - 31 * 86_400_000)) : [];
        await this.staff.touchSchedules(em, [id, ...coworkers]);
        const updated = await this.staff.findWithVenues(id, em);
        const view = toStaffView(updated!);
        await this.audit.record(em, {
          actor: actorOf(principal),
          action: 'staff.updated',
          entityType: 'staff',
          entityId: id,
          staffId: id,
          before: toStaffView(current),
          after: view,
        });
        return view;
      });
    } catch (error) {
      if (isPgError(error, PG_UNIQUE_VIOLATION, 'staff_email_key')) throw this.emailTaken(dto.email ?? '');
      throw error;
    }
  }

  async list(principal: Principal, venueId?: string, includeInactive = false): Promise<StaffView[]> {
    if (principal.role === 'staff') {
      const self = await this.requireAccessible(principal, principal.staffId!);
      return venueId && !self.venueIds.includes(venueId) ? [] : [toStaffView(self)];
    }
    let scope: string[] | undefined;
    if (principal.role === 'dispatcher') {
      if (venueId && !principal.venueIds.includes(venueId)) {
        throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
      }
      scope = venueId ? [venueId] : principal.venueIds;
    } else if (venueId) {
      scope = [venueId];
    }
    return (await this.staff.list(scope, includeInactive)).map(toStaffView);
  }

  async get(principal: Principal, id: string): Promise<StaffView> {
    return toStaffView(await this.requireAccessible(principal, id));
  }

  /** Loads a staff member the principal may act for: 404 STAFF_NOT_FOUND, 403 STAFF_OUT_OF_SCOPE. */
  async requireAccessible(principal: Principal, staffId: string): Promise<StaffWithVenues> {
    if (principal.role === 'staff' && principal.staffId !== staffId) {
      // Staff learn nothing about other people, not even whether they exist.
      throw ApiError.forbidden('You can only act for yourself', 'STAFF_OUT_OF_SCOPE');
    }
    const found = await this.staff.findWithVenues(staffId);
    if (!found) throw ApiError.notFound('STAFF_NOT_FOUND', `Staff member ${staffId} does not exist`);
    assertCanActForStaff(principal, staffId, found.venueIds);
    return found;
  }

  private async assertVenuesExist(venueIds: string[]): Promise<void> {
    const found = new Set((await this.venues.findByIds(venueIds)).map((v) => v.id));
    const missing = venueIds.filter((v) => !found.has(v));
    if (missing.length) {
      throw ApiError.unprocessable('VENUE_NOT_FOUND', `Unknown venue(s): ${missing.join(', ')}`, { venueIds: missing });
    }
  }

  private emailTaken(email: string): ApiError {
    return ApiError.conflict('STAFF_EMAIL_TAKEN', `A staff member with email ${email} already exists`);
  }
}
