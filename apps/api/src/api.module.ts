import { BookingHttpModule } from '@calbridge/booking';
import { CalendarSyncHttpModule } from '@calbridge/calendar-sync';
import {
  CoreModule,
  createValidationPipe,
  HealthModule,
  HttpExceptionFilter,
  JwtAuthGuard,
  MetricsHttpModule,
  QueueBoardModule,
  QueueModule,
} from '@calbridge/core';
import { DatabaseModule } from '@calbridge/database';
import { IcalFeedHttpModule } from '@calbridge/ical-feed';
import { NotificationsHttpModule } from '@calbridge/notifications';
import { SchedulingHttpModule } from '@calbridge/scheduling';
import { WebUiHttpModule } from '@calbridge/web-ui';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';

/** The HTTP api: composes library modules, registers nothing of its own. */
@Module({
  imports: [
    CoreModule.forRoot('api'),
    DatabaseModule.forRoot(),
    // The api enqueues (calendar sync jobs); only the worker processes.
    QueueModule.forRoot(),
    HealthModule,
    MetricsHttpModule,
    QueueBoardModule,
    SchedulingHttpModule,
    IcalFeedHttpModule,
    CalendarSyncHttpModule,
    BookingHttpModule,
    NotificationsHttpModule,
    WebUiHttpModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class ApiModule {}
