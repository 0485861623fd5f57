import { ApiError } from '@calbridge/core';
import { Venue, VenuesRepository } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { ServicesRepository } from '../services/services.repository';
import type { BookingPolicy } from './booking-rules';

export interface PublicServicesView {
  venue: { id: string; name: string; timezone: string; cancellationCutoffMinutes: number };
  services: Array<{ id: string; name: string; durationMinutes: number }>;
}

export function policyOf(venue: Venue): BookingPolicy {
  return {
    timezone: venue.timezone,
    minNoticeMinutes: venue.bookingMinNoticeMinutes,
    horizonDays: venue.bookingHorizonDays,
    slotIntervalMinutes: venue.bookingSlotIntervalMinutes,
    cancellationCutoffMinutes: venue.bookingCancellationCutoffMinutes,
  };
}

/** What the public booking page may know of a venue: only venues with booking enabled, no staff. */
@Injectable()
export class PublicVenuesService {
  constructor(
    private readonly venues: VenuesRepository,
    private readonly services: ServicesRepository,
  ) {}

  /** 404 VENUE_NOT_FOUND for unknown venues and venues without public booking alike. */
  async require(venueId: string): Promise<Venue> {
    const venue = await this.venues.findById(venueId);
    if (!venue || !venue.bookingEnabled) throw ApiError.notFound('VENUE_NOT_FOUND', 'There is no booking page for this venue');
    return venue;
  }

  async listServices(venueId: string): Promise<PublicServicesView> {
    const venue = await this.require(venueId);
    const services = await this.services.listForVenue(venueId, true);
    return {
      venue: { id: venue.id, name: venue.name, timezone: venue.timezone, cancellationCutoffMinutes: venue.bookingCancellationCutoffMinutes },
      services: services.filter((s) => s.staffIds.length).map((s) => ({ id: s.id, name: s.name, durationMinutes: s.durationMinutes })),
    };
  }
}
