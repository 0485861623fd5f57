import { ParseIdPipe, Public, PublicRateLimitGuard } from '@calbridge/core';
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AvailabilityService } from '../availability/availability.service';
import { PublicAvailabilityQueryDto } from '../availability/dto/availability-query.dto';
import { BookingsService } from './bookings.service';
import { CreateBookingDto, RescheduleBookingDto } from './dto/create-booking.dto';
import { ManageBookingService } from './manage-booking.service';
import { PublicVenuesService } from './public-venues.service';

/**
 * The public booking API (no bearer token): only venues with booking enabled, nothing about staff,
 * rate-limited per address across every /public route.
 */
@ApiTags('public booking')
@Public()
@UseGuards(PublicRateLimitGuard)
@Controller('public')
export class PublicBookingController {
  constructor(
    private readonly venues: PublicVenuesService,
    private readonly availability: AvailabilityService,
    private readonly bookings: BookingsService,
    private readonly manage: ManageBookingService,
  ) {}

  @Get('venues/:venueId/services')
  @ApiOperation({ summary: 'The venue (name, zone) and its bookable services' })
  services(@Param('venueId', ParseIdPipe) venueId: string) {
    return this.venues.listServices(venueId);
  }

  @Get('venues/:venueId/availability')
  @ApiOperation({ summary: 'Free slots of a service in [from, to) (no staff)' })
  async availabilityOf(@Param('venueId', ParseIdPipe) venueId: string, @Query() query: PublicAvailabilityQueryDto) {
    return this.availability.forPublic(await this.venues.require(venueId), query);
  }

  @Post('venues/:venueId/bookings')
  @ApiOperation({ summary: 'Book a slot: 201 {bookingId, jobId, startsAt, endsAt, manageUrl}; 409 SLOT_TAKEN when it is no longer free' })
  book(@Param('venueId', ParseIdPipe) venueId: string, @Body() dto: CreateBookingDto) {
    return this.bookings.create(venueId, dto);
  }

  @Get('bookings/:token')
  @ApiOperation({ summary: "The customer's booking behind a manage link (404 for any invalid link)" })
  view(@Param('token') token: string) {
    return this.manage.view(token);
  }

  @Get('bookings/:token/calendar.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="appointment.ics"')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The booking as an .ics file for the customer\'s own calendar (404 for any invalid link)' })
  calendarFile(@Param('token') token: string): Promise<string> {
    return this.manage.calendarFile(token);
  }

  @Post('bookings/:token/reschedule')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the booking to another free slot: 409 SLOT_TAKEN, 422 CANCELLATION_CUTOFF' })
  reschedule(@Param('token') token: string, @Body() dto: RescheduleBookingDto) {
    return this.manage.reschedule(token, dto);
  }

  @Post('bookings/:token/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the booking (422 CANCELLATION_CUTOFF after the cut-off); the link dies' })
  cancel(@Param('token') token: string) {
    return this.manage.cancel(token);
  }
}
