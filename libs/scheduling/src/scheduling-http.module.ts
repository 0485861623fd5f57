import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { AvailabilityController } from './availability/availability.controller';
import { BoardController } from './board/board.controller';
import { BoardModule } from './board/board.module';
import { BlockedSlotsController } from './blocked-slots/blocked-slots.controller';
import { VenueBlockedSlotsController } from './blocked-slots/venue-blocked-slots.controller';
import { ConflictsController } from './conflicts/conflicts.controller';
import { CustomersController } from './customers/customers.controller';
import { AssignmentsController } from './jobs/assignments.controller';
import { JobsController } from './jobs/jobs.controller';
import { LiveModule } from './live/live.module';
import { VenueStreamController } from './live/venue-stream.controller';
import { SchedulingModule } from './scheduling.module';
import { StaffController } from './staff/staff.controller';
import { VenuesController } from './venues/venues.controller';

/** The scheduling REST API (api only). */
@Module({
  imports: [SchedulingModule, LiveModule, BoardModule],
  controllers: [
    VenuesController,
    StaffController,
    CustomersController,
    JobsController,
    AssignmentsController,
    ConflictsController,
    AvailabilityController,
    BlockedSlotsController,
    VenueBlockedSlotsController,
    AuditController,
    VenueStreamController,
    BoardController,
  ],
})
export class SchedulingHttpModule {}
