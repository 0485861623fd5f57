import { formatInZone, isPgError, parseInstant, PG_EXCLUSION_VIOLATION } from '@calbridge/core';
import { AuditService, bookingEvent, customerActor, CustomerJobsService, CustomersService, OutboxService } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AvailabilityService } from '../availability/availability.service';
import { ManageLinksService } from '../manage-links/manage-links.service';
import { assertOfferableStart, localDay, slotTaken } from './booking-rules';
import { BookingsRepository } from './bookings.repository';
import { CreateBookingDto } from './dto/create-booking.dto';
import { policyOf, PublicVenuesService } from './public-venues.service';

export interface BookingCreatedView {
  bookingId: string;
  jobId: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  manageUrl: string;
  manageToken: string;
}

/**
 * Public booking. For each free performer in round-robin order, one transaction: lock the staff
 * row (every writer of a person's schedule does), check the slot again under the lock (working
 * hours, jobs with the service's buffers, blocked slots manual and pulled), then create the
 * customer (or reuse them by email within the venue), the confirmed job with its assignment and
 * the booking. The exclusion constraint stays the last word: its violation means the slot was
 * taken, never a 500. When no performer is left: 409 SLOT_TAKEN.
 */
@Injectable()
export class BookingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly venues: PublicVenuesService,
    private readonly availability: AvailabilityService,
    private readonly bookings: BookingsRepository,
    private readonly links: ManageLinksService,
    private readonly jobs: CustomerJobsService,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async create(venueId: string, dto: CreateBookingDto): Promise<BookingCreatedView> {
    const venue = await this.venues.require(venueId);
    const service = await this.availability.serviceOf(venueId, dto.serviceId, true);
    const startsAt = parseInstant(dto.startsAt)!;
    const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
    assertOfferableStart(startsAt, policyOf(venue), new Date());

    const free = await this.availability.freeStaffAt(venue, service, startsAt, { staffId: dto.staffId });
    const day = localDay(startsAt, venue.timezone);
    const candidates = await this.bookings.roundRobinOrder(free, day.from, day.to);
    for (const staffId of candidates) {
      try {
        const created = await this.dataSource.transaction(async (em) => {
          await this.jobs.lockStaff(em, [staffId]);
          const still = await this.availability.freeStaffAt(venue, service, startsAt, { staffId, em });
          if (!still.includes(staffId)) return null;
          const { customer } = await this.customers.findOrCreateByEmail(em, venueId, {
            firstName: dto.customer.firstName,
            lastName: dto.customer.lastName,
            email: dto.customer.email,
            phone: dto.customer.phone ?? null,
          });
          const actor = customerActor(customer.id);
          const { jobId } = await this.jobs.createAssigned(em, actor, {
            venueId,
            title: service.name,
            service: service.name,
            customerId: customer.id,
            startsAt,
            endsAt,
            staffId,
          });
          const salt = this.links.newSalt();
          const bookingId = await this.bookings.insert(em, { jobId, venueId, serviceId: service.id, customerId: customer.id, salt });
          await this.audit.record(em, {
            actor,
            action: 'booking.created',
            entityType: 'booking',
            entityId: bookingId,
            venueId,
            staffId,
            after: { jobId, serviceId: service.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
          });
          await this.outbox.append(
            em,
            bookingEvent('booking.created', {
              bookingId,
              jobId,
              venueId,
              serviceId: service.id,
              customerId: customer.id,
              staffIds: [staffId],
              startsAt: startsAt.toISOString(),
              endsAt: endsAt.toISOString(),
            }),
          );
          return { bookingId, jobId, salt };
        });
        if (!created) continue;
        const token = this.links.token(created.bookingId, created.salt);
        return {
          bookingId: created.bookingId,
          jobId: created.jobId,
          startsAt: formatInZone(startsAt, venue.timezone),
          endsAt: formatInZone(endsAt, venue.timezone),
          timezone: venue.timezone,
          manageUrl: this.links.url(venueId, token),
          manageToken: token,
        };
      } catch (error) {
        // Only the constraint can still say no after the check under the lock: the slot is gone for this performer.
        if (!isPgError(error, PG_EXCLUSION_VIOLATION)) throw error;
      }
    }
    throw slotTaken(dto.startsAt);
  }
}
