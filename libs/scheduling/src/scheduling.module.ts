import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from './audit/audit.module';
import { AvailabilityModule } from './availability/availability.module';
import { BlockedSlotsModule } from './blocked-slots/blocked-slots.module';
import { ConflictsModule } from './conflicts/conflicts.module';
import { CustomersModule } from './customers/customers.module';
import { ExternalCalendarsModule } from './external-calendars/external-calendars.module';
import { JobsModule } from './jobs/jobs.module';
import { OutboxModule } from './outbox/outbox.module';
import { schedulingConfig } from './scheduling.config';
import { StaffModule } from './staff/staff.module';
import { VenuesModule } from './venues/venues.module';

const FEATURES = [
  AuditModule,
  OutboxModule,
  VenuesModule,
  StaffModule,
  CustomersModule,
  JobsModule,
  BlockedSlotsModule,
  ConflictsModule,
  AvailabilityModule,
  ExternalCalendarsModule,
];

/** The scheduling domain's services and repositories (api and worker import the same set). */
@Module({
  imports: [ConfigModule.forFeature(schedulingConfig), ...FEATURES],
  exports: FEATURES,
})
export class SchedulingModule {}
