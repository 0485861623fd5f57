import { databaseConfig } from '@calbridge/database';
import { SchedulingModule } from '@calbridge/scheduling';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AvailabilityRepository } from './availability/availability.repository';
import { AvailabilityService } from './availability/availability.service';
import { bookingConfig } from './booking.config';
import { BookingsRepository } from './bookings/bookings.repository';
import { BookingsService } from './bookings/bookings.service';
import { ManageBookingService } from './bookings/manage-booking.service';
import { PublicVenuesService } from './bookings/public-venues.service';
import { BookingDemoDataService } from './demo/booking-demo-data.service';
import { ManageLinksService } from './manage-links/manage-links.service';
import { ServicesRepository } from './services/services.repository';
import { ServicesService } from './services/services.service';
import { WorkingHoursRepository } from './working-hours/working-hours.repository';
import { WorkingHoursService } from './working-hours/working-hours.service';

const PROVIDERS = [
  ServicesRepository,
  ServicesService,
  WorkingHoursRepository,
  WorkingHoursService,
  AvailabilityRepository,
  AvailabilityService,
  BookingsRepository,
  ManageLinksService,
  PublicVenuesService,
  BookingsService,
  ManageBookingService,
  BookingDemoDataService,
];

/** Services, working hours, availability, public booking and manage links (api and worker import the same set). */
@Module({
  imports: [ConfigModule.forFeature(bookingConfig), ConfigModule.forFeature(databaseConfig), SchedulingModule],
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class BookingModule {}
