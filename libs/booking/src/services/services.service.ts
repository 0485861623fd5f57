import { ApiError, Principal } from '@calbridge/core';
import { actorOf, assertCanActInVenue, assertRole, AuditService, StaffRepository, VenuesService } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CreateServiceDto, UpdateServiceDto } from './dto/create-service.dto';
import { BookableService, ServiceFields, ServicesRepository } from './services.repository';

export interface ServiceView {
  id: string;
  venueId: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookable: boolean;
  staffIds: string[];
  createdAt: string;
  updatedAt: string;
}

export function toServiceView(s: BookableService): ServiceView {
  return {
    id: s.id,
    venueId: s.venueId,
    name: s.name,
    durationMinutes: s.durationMinutes,
    bufferBeforeMinutes: s.bufferBeforeMinutes,
    bufferAfterMinutes: s.bufferAfterMinutes,
    bookable: s.bookable,
    staffIds: s.staffIds,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** What customers can book at a venue, and who performs it (dispatchers and admins manage them). */
@Injectable()
export class ServicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServicesRepository,
    private readonly venues: VenuesService,
    private readonly staff: StaffRepository,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, venueId: string, dto: CreateServiceDto): Promise<ServiceView> {
    assertRole(principal, 'admin', 'dispatcher');
    assertCanActInVenue(principal, venueId);
    await this.venues.require(venueId);
    const staffIds = [...new Set(dto.staffIds)].sort();
    const fields: ServiceFields = {
      name: dto.name,
      durationMinutes: dto.durationMinutes,
      bufferBeforeMinutes: dto.bufferBeforeMinutes ?? 0,
      bufferAfterMinutes: dto.bufferAfterMinutes ?? 0,
      bookable: dto.bookable ?? true,
    };
    const id = await this.dataSource.transaction(async (em) => {
      await this.assertMembers(em, venueId, staffIds);
      const created = await this.services.insert(em, venueId, fields);
      await this.services.setPerformers(em, created, staffIds);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'service.created',
        entityType: 'service',
        entityId: created,
        venueId,
        after: { ...fields, staffIds },
      });
      return created;
    });
    return toServiceView((await this.services.findById(id))!);
  }

  async list(principal: Principal, venueId: string): Promise<ServiceView[]> {
    await this.assertCanRead(principal, venueId);
    return (await this.services.listForVenue(venueId)).map(toServiceView);
  }

  async get(principal: Principal, id: string): Promise<ServiceView> {
    const service = await this.require(id);
    await this.assertCanRead(principal, service.venueId);
    return toServiceView(service);
  }

  async update(principal: Principal, id: string, dto: UpdateServiceDto): Promise<ServiceView> {
    assertRole(principal, 'admin', 'dispatcher');
    await this.dataSource.transaction(async (em) => {
      const current = await this.services.findById(id, em, true);
      if (!current) throw notFound(id);
      assertCanActInVenue(principal, current.venueId);
      const fields: ServiceFields = {
        name: dto.name ?? current.name,
        durationMinutes: dto.durationMinutes ?? current.durationMinutes,
        bufferBeforeMinutes: dto.bufferBeforeMinutes ?? current.bufferBeforeMinutes,
        bufferAfterMinutes: dto.bufferAfterMinutes ?? current.bufferAfterMinutes,
        bookable: dto.bookable ?? current.bookable,
      };
      const staffIds = dto.staffIds ? [...new Set(dto.staffIds)].sort() : current.staffIds;
      if (dto.staffIds) await this.assertMembers(em, current.venueId, staffIds);
      await this.services.update(em, id, fields);
      await this.services.setPerformers(em, id, staffIds);
      const { id: _id, venueId: _venue, createdAt: _c, updatedAt: _u, ...before } = current;
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'service.updated',
        entityType: 'service',
        entityId: id,
        venueId: current.venueId,
        before,
        after: { ...fields, staffIds },
      });
    });
    return toServiceView((await this.services.findById(id))!);
  }

  async require(id: string): Promise<BookableService> {
    const service = await this.services.findById(id);
    if (!service) throw notFound(id);
    return service;
  }

  /** Admins, dispatchers of the venue and the venue's staff may read its services. */
  private async assertCanRead(principal: Principal, venueId: string): Promise<void> {
    if (principal.role === 'staff') {
      if (!principal.staffId || !(await this.staff.isMemberOf(this.dataSource.manager, principal.staffId, venueId))) {
        throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
      }
      return;
    }
    assertCanActInVenue(principal, venueId);
    await this.venues.require(venueId);
  }

  private async assertMembers(em: EntityManager, venueId: string, staffIds: string[]): Promise<void> {
    const missing: string[] = [];
    for (const staffId of staffIds) if (!(await this.staff.isMemberOf(em, staffId, venueId))) missing.push(staffId);
    if (missing.length) {
      throw ApiError.unprocessable('STAFF_NOT_IN_VENUE', 'Every performer must be a staff member of the venue', {
        staffIds: missing,
        venueId,
      });
    }
  }
}

function notFound(id: string): ApiError {
  return ApiError.notFound('SERVICE_NOT_FOUND', `Service ${id} does not exist`);
}
