import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BlockedSlotsModule } from '../blocked-slots/blocked-slots.module';
import { ConflictsModule } from '../conflicts/conflicts.module';
import { CustomersRepository } from '../customers/customers.repository';
import { OutboxModule } from '../outbox/outbox.module';
import { StaffModule } from '../staff/staff.module';
import { VenuesModule } from '../venues/venues.module';
import { AssignmentGuard } from './assignment-guard.service';
import { AssignmentsService } from './assignments.service';
import { CustomerJobsService } from './customer-jobs.service';
import { JobAssignment } from './job-assignment.entity';
import { Job } from './job.entity';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { MeetingLinksService } from './meeting-links.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Job, JobAssignment]),
    VenuesModule,
    StaffModule,
    BlockedSlotsModule,
    ConflictsModule,
    AuditModule,
    OutboxModule,
  ],
  // CustomersRepository also here: jobs link their customer to the venue (CustomersModule depends on JobsModule).
  providers: [JobsRepository, JobsService, AssignmentsService, AssignmentGuard, CustomersRepository, CustomerJobsService, MeetingLinksService],
  exports: [JobsRepository, JobsService, AssignmentsService, CustomerJobsService, MeetingLinksService],
})
export class JobsModule {}
