import { renderCalendar, renderEvent } from '@calbridge/icalendar';
import { ApiError, formatInZone, isPgError, parseInstant, PG_EXCLUSION_VIOLATION } from '@calbridge/core';
import {
  AuditService,
  bookingEvent,
  BookingEventPayload,
  customerActor,
  CustomerJobsService,
  jobInvitationUid,
  isActiveStatus,
  JobRecord,
  JobsRepository,
  OutboxService,
  Venue,
  VenuesRepository,
} from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AvailabilityService } from '../availability/availability.service';
import { ManageLinksService } from '../manage-links/manage-links.service';
import { BookableService, ServicesRepository } from '../services/services.repository';
import { assertBeforeCutoff, assertOfferableStart, changeableUntil, slotTaken } from './booking-rules';
import { BookingRow, BookingsRepository } from './bookings.repository';
import { RescheduleBookingDto } from './dto/create-booking.dto';
import { policyOf } from './public-venues.service';

export interface ManagedBookingView {
  bookingId: string;
  status: 'confirmed' | 'cancelled';
  venue: { id: string; name: string; timezone: string };
  service: { id: string; name: string; durationMinutes: number };
  customer: { firstName: string; lastName: string } | null;
  startsAt: string;
  endsAt: string;
  timezone: string;
  /** Until when the customer may reschedule or cancel online. */
  changeableUntil: string;
  canChange: boolean;
}

/** The same answer for every link that does not lead to a live booking: no oracle. */
export const MANAGE_LINK_NOT_FOUND = () =>
  ApiError.notFound('BOOKING_NOT_FOUND', 'This booking link is not valid, or the booking was cancelled');

interface Resolved {
  booking: BookingRow;
  record: JobRecord;
  venue: Venue;
  service: BookableService;
}

/** The customer's manage link: view, reschedule into another free slot, cancel before the cut-off. */
@Injectable()
export class ManageBookingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly links: ManageLinksService,
    private readonly bookings: BookingsRepository,
    private readonly jobRecords: JobsRepository,
    private readonly venues: VenuesRepository,
    private readonly services: ServicesRepository,
    private readonly availability: AvailabilityService,
    private readonly jobs: CustomerJobsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async view(token: string): Promise<ManagedBookingView> {
    return this.toView(await this.resolve(token));
  }

  /**
   * The booking as a calendar file for the customer's own calendar ("add to calendar"): a plain
   * RFC 5545 calendar (no iTIP METHOD, so no ORGANIZER rules apply) through the shared codec, in
   * the venue's zone with its VTIMEZONE. The UID is the job's invitation UID, so the file and the
   * emailed invitations are one event in the customer's calendar; SEQUENCE is the job's version,
   * so a file saved after a move replaces the one saved before it.
   */
  async calendarFile(token: string): Promise<string> {
    const { record, venue, service } = await this.resolve(token);
    const manageUrl = this.links.url(venue.id, token);
    const event = renderEvent({
      uid: jobInvitationUid(record.job.id),
      sequence: record.job.version,
      stamp: new Date(),
      start: record.job.startsAt,
      end: record.job.endsAt,
      zone: venue.timezone,
      summary: `${service.name} at ${venue.name}`,
      location: venue.name,
      description: `Booked online. To move or cancel it: ${manageUrl}`,
      url: manageUrl,
      status: 'CONFIRMED',
    });
    return renderCalendar({ prodId: '-//calbridge//booking//EN' }, [event]);
  }

  async reschedule(token: string, dto: RescheduleBookingDto): Promise<ManagedBookingView> {
    const { booking, record, venue, service } = await this.resolve(token);
    const now = new Date();
    assertBeforeCutoff(record.job.startsAt, policyOf(venue), now);
    const startsAt = parseInstant(dto.startsAt)!;
    if (startsAt.getTime() === record.job.startsAt.getTime()) return this.toView({ booking, record, venue, service });
    assertOfferableStart(startsAt, policyOf(venue), now);
    const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
    const actor = customerActor(booking.customerId ?? booking.id);
    try {
      await this.dataSource.transaction(async (em) => {
        const current = await this.bookings.find(booking.id, em, true);
        const staffIds = record.assignments.map((a) => a.staffId);
        if (current?.status !== 'active') throw MANAGE_LINK_NOT_FOUND();
        await this.jobs.lockStaff(em, staffIds);
        for (const staffId of staffIds) {
          const free = await this.availability.freeStaffAt(venue, service, startsAt, { staffId, excludeJobId: record.job.id, em, now });
          if (!free.includes(staffId)) throw slotTaken(dto.startsAt);
        }
        const change = await this.jobs.reschedule(em, actor, record.job.id, startsAt, endsAt);
        await this.bookings.touch(em, booking.id);
        await this.audit.record(em, {
          actor,
          action: 'booking.rescheduled',
          entityType: 'booking',
          entityId: booking.id,
          venueId: venue.id,
          before: { startsAt: change.previous.startsAt.toISOString(), endsAt: change.previous.endsAt.toISOString() },
          after: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
        });
        await this.outbox.append(
          em,
          bookingEvent('booking.rescheduled', {
            ...payloadOf(booking, change.staffIds, startsAt, endsAt),
            previous: { startsAt: change.previous.startsAt.toISOString(), endsAt: change.previous.endsAt.toISOString() },
          }),
        );
      });
    } catch (error) {
      if (isPgError(error, PG_EXCLUSION_VIOLATION)) throw slotTaken(dto.startsAt);
      throw error;
    }
    return this.view(token);
  }

  async cancel(token: string): Promise<ManagedBookingView> {
    const resolved = await this.resolve(token);
    const { booking, record, venue } = resolved;
    assertBeforeCutoff(record.job.startsAt, policyOf(venue), new Date());
    const actor = customerActor(booking.customerId ?? booking.id);
    await this.dataSource.transaction(async (em) => {
      const current = await this.bookings.find(booking.id, em, true);
      if (current?.status !== 'active') throw MANAGE_LINK_NOT_FOUND();
      const change = await this.jobs.cancel(em, actor, record.job.id);
      await this.bookings.markCancelled(em, booking.id);
      await this.audit.record(em, {
        actor,
        action: 'booking.cancelled',
        entityType: 'booking',
        entityId: booking.id,
        venueId: venue.id,
        before: { status: 'active' },
        after: { status: 'cancelled' },
      });
      await this.outbox.append(em, bookingEvent('booking.cancelled', payloadOf(booking, change.staffIds, record.job.startsAt, record.job.endsAt)));
    });
    return { ...this.toView(resolved), status: 'cancelled', canChange: false };
  }

  /** A live booking (not cancelled, its job active) for a valid token; the one 404 otherwise. */
  private async resolve(token: string): Promise<Resolved> {
    const booking = await this.links.resolve(token);
    if (!booking || booking.status !== 'active') throw MANAGE_LINK_NOT_FOUND();
    const [record] = await this.jobRecords.records([booking.jobId]);
    if (!record || !isActiveStatus(record.job.status)) throw MANAGE_LINK_NOT_FOUND();
    const venue = await this.venues.findById(booking.venueId);
    const service = await this.services.findById(booking.serviceId);
    if (!venue || !service) throw MANAGE_LINK_NOT_FOUND();
    return { booking, record, venue, service };
  }

  private toView({ booking, record, venue, service }: Resolved): ManagedBookingView {
    const until = changeableUntil(record.job.startsAt, policyOf(venue));
    return {
      bookingId: booking.id,
      status: 'confirmed',
      venue: { id: venue.id, name: venue.name, timezone: venue.timezone },
      service: { id: service.id, name: service.name, durationMinutes: service.durationMinutes },
      customer: record.customer ? { firstName: record.customer.firstName, lastName: record.customer.lastName } : null,
      startsAt: formatInZone(record.job.startsAt, venue.timezone),
      endsAt: formatInZone(record.job.endsAt, venue.timezone),
      timezone: venue.timezone,
      changeableUntil: formatInZone(until, venue.timezone),
      canChange: Date.now() <= until.getTime(),
    };
  }
}

function payloadOf(booking: BookingRow, staffIds: string[], startsAt: Date, endsAt: Date): BookingEventPayload {
  return {
    bookingId: booking.id,
    jobId: booking.jobId,
    venueId: booking.venueId,
    serviceId: booking.serviceId,
    customerId: booking.customerId,
    staffIds,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  };
}
