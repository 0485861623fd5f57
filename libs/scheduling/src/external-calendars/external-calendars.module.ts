import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { CalendarJobs } from './calendar-jobs.service';
import { ExternalSlots } from './external-slots.service';
import { JobSnapshots } from './job-snapshots.service';

/**
 * What scheduling offers to the calendars outside it: calendar sync's external-slots port and job
 * snapshot queries, the feed's jobs-in-a-window read.
 */
@Module({
  imports: [JobsModule],
  providers: [ExternalSlots, JobSnapshots, CalendarJobs],
  exports: [ExternalSlots, JobSnapshots, CalendarJobs],
})
export class ExternalCalendarsModule {}
