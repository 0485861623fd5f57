import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ExternalSlots } from './external-slots.service';
import { JobSnapshots } from './job-snapshots.service';

/** What scheduling offers to calendar sync: the external-slots port and the job snapshot queries. */
@Module({
  imports: [JobsModule],
  providers: [ExternalSlots, JobSnapshots],
  exports: [ExternalSlots, JobSnapshots],
})
export class ExternalCalendarsModule {}
