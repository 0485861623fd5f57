import { BookingModule } from '@calbridge/booking';
import { CalendarSyncWorkerModule } from '@calbridge/calendar-sync';
import { CoreModule, QueueModule, WorkerHeartbeatService } from '@calbridge/core';
import { DatabaseModule } from '@calbridge/database';
import { NotificationsWorkerModule } from '@calbridge/notifications';
import { SchedulingWorkerModule } from '@calbridge/scheduling';
import { Module } from '@nestjs/common';

/** The background worker: queue processors, relays and schedulers from the libraries. */
@Module({
  imports: [CoreModule.forRoot('worker'), DatabaseModule.forRoot(), QueueModule.forRoot(), SchedulingWorkerModule, CalendarSyncWorkerModule, BookingModule, NotificationsWorkerModule],
  providers: [WorkerHeartbeatService],
})
export class WorkerModule {}
