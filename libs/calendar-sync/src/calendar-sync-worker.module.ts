import { SCHEDULING_EVENTS_QUEUE } from '@calbridge/scheduling';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { CalendarSyncModule } from './calendar-sync.module';
import { ConflictsProcessor } from './maintenance/conflicts.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { SyncSchedulerService } from './maintenance/sync-scheduler.service';
import { PullProcessor } from './pull/pull.processor';
import { PushProcessor } from './push/push.processor';
import { SchedulingEventsProcessor } from './push/scheduling-events.processor';

/** Calendar sync's background work (worker only): one processor per queue, the cron fallback. */
@Module({
  imports: [CalendarSyncModule, BullModule.registerQueue({ name: SCHEDULING_EVENTS_QUEUE })],
  providers: [SchedulingEventsProcessor, PushProcessor, PullProcessor, MaintenanceProcessor, ConflictsProcessor, SyncSchedulerService],
})
export class CalendarSyncWorkerModule {}
