import { ApiError, formatInZone, Principal } from '@calbridge/core';
import { assertCanActInVenue, assertRole, parseTimeWindow, Venue, VenuesRepository } from '@calbridge/scheduling';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { bookingConfig } from '../booking.config';
import { BookableService, ServicesRepository } from '../services/services.repository';
import { AvailabilityRepository, FreeSlot } from './availability.repository';
import { AvailabilityQueryDto, PublicAvailabilityQueryDto } from './dto/availability-query.dto';

export interface AvailabilityView {
  timezone: string;
  slots: Array<{ startsAt: string; endsAt: string; staffIds?: string[] }>;
}

/** The bookable window of a venue now: [now + notice, now + horizon). */
export function bookableWindow(venue: Venue, now: Date): { from: Date; to: Date } {
  return {
    from: new Date(now.getTime() + venue.bookingMinNoticeMinutes * 60_000),
    to: new Date(now.getTime() + venue.bookingHorizonDays * 86_400_000),
  };
}

/** Free slots of a service: for dispatchers (with the free performers) and for the public booking page (without). */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly availability: AvailabilityRepository,
    private readonly services: ServicesRepository,
    private readonly venues: VenuesRepository,
    @Inject(bookingConfig.KEY) private readonly config: ConfigType<typeof bookingConfig>,
  ) {}

  async forDispatcher(principal: Principal, venueId: string, query: AvailabilityQueryDto): Promise<AvailabilityView> {
    assertRole(principal, 'admin', 'dispatcher');
    assertCanActInVenue(principal, venueId);
    const venue = await this.venues.findById(venueId);
    if (!venue) throw ApiError.notFound('VENUE_NOT_FOUND', `Venue ${venueId} does not exist`);
    const window = this.window(query);
    const service = await this.serviceOf(venueId, query.serviceId, false);
    const slots = await this.slots(venue, service, window.from, window.to, { staffId: query.staffId });
    return {
      timezone: venue.timezone,
      slots: slots.map((s) => ({ ...this.times(s, venue), staffIds: s.staffIds })),
    };
  }

  async forPublic(venue: Venue, query: PublicAvailabilityQueryDto): Promise<AvailabilityView> {
    const window = this.window(query);
    const service = await this.serviceOf(venue.id, query.serviceId, true);
    const slots = await this.slots(venue, service, window.from, window.to, { withoutStaff: true });
    return { timezone: venue.timezone, slots: slots.map((s) => this.times(s, venue)) };
  }

  /** Free slots starting in [from, to), clamped to the venue's notice and horizon. */
  async slots(
    venue: Venue,
    service: BookableService,
    from: Date,
    to: Date,
    options: { staffId?: string; excludeJobId?: string; em?: EntityManager; now?: Date; withoutStaff?: boolean } = {},
  ): Promise<FreeSlot[]> {
    const bookable = bookableWindow(venue, options.now ?? new Date());
    const lo = new Date(Math.max(from.getTime(), bookable.from.getTime()));
    const hi = new Date(Math.min(to.getTime(), bookable.to.getTime()));
    if (lo >= hi) return [];
    return this.availability.freeSlots(
      {
        venueId: venue.id,
        timezone: venue.timezone,
        serviceId: service.id,
        from: lo,
        to: hi,
        durationMinutes: service.durationMinutes,
        bufferBeforeMinutes: service.bufferBeforeMinutes,
        bufferAfterMinutes: service.bufferAfterMinutes,
        slotIntervalMinutes: venue.bookingSlotIntervalMinutes,
        staffId: options.staffId,
        excludeJobId: options.excludeJobId,
        withoutStaff: options.withoutStaff,
      },
      options.em,
    );
  }

  /** Performers free for exactly this start (an empty list when the start is not a free slot). */
  async freeStaffAt(
    venue: Venue,
    service: BookableService,
    startsAt: Date,
    options: { staffId?: string; excludeJobId?: string; em?: EntityManager; now?: Date } = {},
  ): Promise<string[]> {
    const [slot] = await this.slots(venue, service, startsAt, new Date(startsAt.getTime() + 1), options);
    return slot && slot.startsAt.getTime() === startsAt.getTime() ? slot.staffIds : [];
  }

  /** The venue's service; public callers only see bookable ones. 404 SERVICE_NOT_FOUND otherwise. */
  async serviceOf(venueId: string, serviceId: string, publicOnly: boolean): Promise<BookableService> {
    const service = await this.services.findById(serviceId);
    if (!service || service.venueId !== venueId || (publicOnly && !service.bookable)) {
      throw ApiError.notFound('SERVICE_NOT_FOUND', `Service ${serviceId} does not exist at this venue`);
    }
    return service;
  }

  private window(query: { from?: string; to?: string }): { from: Date; to: Date } {
    return parseTimeWindow(query.from, query.to, { maxDays: this.config.maxAvailabilityDays, required: true })!;
  }

  private times(slot: FreeSlot, venue: Venue): { startsAt: string; endsAt: string } {
    return { startsAt: formatInZone(slot.startsAt, venue.timezone), endsAt: formatInZone(slot.endsAt, venue.timezone) };
  }
}
