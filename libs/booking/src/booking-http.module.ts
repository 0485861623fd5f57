import { Module } from '@nestjs/common';
import { AvailabilityController } from './availability/availability.controller';
import { BookingModule } from './booking.module';
import { PublicBookingController } from './bookings/public-booking.controller';
import { ServicesController } from './services/services.controller';
import { WorkingHoursController } from './working-hours/working-hours.controller';

/** The booking API: services, working hours and availability under /v1, the public booking routes under /public (api only). */
@Module({
  imports: [BookingModule],
  controllers: [ServicesController, WorkingHoursController, AvailabilityController, PublicBookingController],
})
export class BookingHttpModule {}
