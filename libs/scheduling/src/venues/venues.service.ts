import { ApiError, isValidTimeZone, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertCanActInVenue, assertRole } from '../common/access';
import { actorOf } from '../common/actor';
import { AuditService } from '../audit/audit.service';
import { CreateVenueDto } from './dto/create-venue.dto';
import { UpdateVenueDto } from './dto/update-venue.dto';
import type { VenueBookingPolicy } from './dto/venue-booking-policy.dto';
import { Venue } from './venue.entity';
import { VenuesRepository } from './venues.repository';

export interface VenueView {
  id: string;
  name: string;
  timezone: string;
  booking: VenueBookingPolicy;
  createdAt: string;
  updatedAt: string;
}

export function toVenueView(v: Venue): VenueView {
  return {
    id: v.id,
    name: v.name,
    timezone: v.timezone,
    booking: bookingPolicyOf(v),
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

export function bookingPolicyOf(v: Venue): VenueBookingPolicy {
  return {
    enabled: v.bookingEnabled,
    minNoticeMinutes: v.bookingMinNoticeMinutes,
    horizonDays: v.bookingHorizonDays,
    slotIntervalMinutes: v.bookingSlotIntervalMinutes,
    cancellationCutoffMinutes: v.bookingCancellationCutoffMinutes,
  };
}

@Injectable()
export class VenuesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly venues: VenuesRepository,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, dto: CreateVenueDto): Promise<VenueView> {
    assertRole(principal, 'admin');
    if (!isValidTimeZone(dto.timezone)) {
      throw ApiError.badRequest('INVALID_TIMEZONE', `"${dto.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`, {
        timezone: dto.timezone,
      });
    }
    const venue = await this.dataSource.transaction(async (em) => {
      const created = await this.venues.insert(em, { name: dto.name, timezone: dto.timezone });
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'venue.created',
        entityType: 'venue',
        entityId: created.id,
        venueId: created.id,
        after: toVenueView(created),
      });
      return created;
    });
    return toVenueView(venue);
  }

  /** Changes venue settings (admins, dispatchers of the venue); the booking policy is merged field by field. */
  async update(principal: Principal, id: string, dto: UpdateVenueDto): Promise<VenueView> {
    assertRole(principal, 'admin', 'dispatcher');
    assertCanActInVenue(principal, id);
    const updated = await this.dataSource.transaction(async (em) => {
      const venue = await this.venues.lock(em, id);
      if (!venue) throw ApiError.notFound('VENUE_NOT_FOUND', `Venue ${id} does not exist`);
      const before = toVenueView(venue);
      if (dto.timezone !== undefined && dto.timezone !== venue.timezone) {
        assertRole(principal, 'admin');
        if (!isValidTimeZone(dto.timezone)) {
          throw ApiError.badRequest('INVALID_TIMEZONE', `"${dto.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`, { timezone: dto.timezone });
        }
      }
      if (dto.name !== undefined || dto.timezone !== undefined) {
        await this.venues.rename(em, id, { name: dto.name, timezone: dto.timezone });
      }
      if (dto.booking) {
        const policy = { ...before.booking, ...definedFields(dto.booking) };
        await this.venues.updateBookingPolicy(em, id, policy);
      }
      const after = toVenueView((await this.venues.findById(id, em))!);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'venue.updated',
        entityType: 'venue',
        entityId: id,
        venueId: id,
        before,
        after,
      });
      return after;
    });
    return updated;
  }

  /** Admins see every venue, dispatchers theirs, staff the venues they belong to. */
  async list(principal: Principal): Promise<VenueView[]> {
    return (await this.venues.list(await this.visibleVenueIds(principal))).map(toVenueView);
  }

  async get(principal: Principal, id: string): Promise<VenueView> {
    const venue = await this.require(id);
    const visible = await this.visibleVenueIds(principal);
    if (visible && !visible.includes(id)) {
      throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
    }
    return toVenueView(venue);
  }

  async require(id: string): Promise<Venue> {
    const venue = await this.venues.findById(id);
    if (!venue) throw ApiError.notFound('VENUE_NOT_FOUND', `Venue ${id} does not exist`);
    return venue;
  }

  /** undefined = every venue (admins). */
  private async visibleVenueIds(principal: Principal): Promise<string[] | undefined> {
    if (principal.role === 'admin') return undefined;
    if (principal.role === 'dispatcher') return principal.venueIds;
    return principal.staffId ? this.venues.venueIdsOfStaff(principal.staffId) : [];
  }
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
