import { DomainEventConsumers, JOB_EVENT_TYPES, SCHEDULING_EVENTS_QUEUE, SchedulingModule } from '@calbridge/scheduling';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CalendarSyncModule } from './calendar-sync.module';
import { ConflictsProcessor } from './maintenance/conflicts.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { SyncSchedulerService } from './maintenance/sync-scheduler.service';
import { PullProcessor } from './pull/pull.processor';
import { PushProcessor } from './push/push.processor';
import { SchedulingEventsProcessor } from './push/scheduling-events.processor';

/** Calendar sync's background work (worker only): one processor per queue, the cron fallback. */
@Module({
  imports: [CalendarSyncModule, SchedulingModule, BullModule.registerQueue({ name: SCHEDULING_EVENTS_QUEUE })],
  providers: [SchedulingEventsProcessor, PushProcessor, PullProcessor, MaintenanceProcessor, ConflictsProcessor, SyncSchedulerService],
})
export class CalendarSyncWorkerModule implements OnModuleInit {
  constructor(
    private readonly consumers: DomainEventConsumers,
    @InjectQueue(SCHEDULING_EVENTS_QUEUE) private readonly events: Queue,
  ) {}

  /** Job changes reach the push side through the outbox. */
  onModuleInit(): void {
    this.consumers.register({ queue: this.events, types: JOB_EVENT_TYPES });
  }
}
