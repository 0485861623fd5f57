import { Module } from '@nestjs/common';
import { CalendarSyncModule } from './calendar-sync.module';
import { ConnectionsController } from './connections/connections.controller';
import { StaffConnectionsController } from './connections/staff-connections.controller';

/** The calendar sync REST API (api only). */
@Module({
  imports: [CalendarSyncModule],
  controllers: [StaffConnectionsController, ConnectionsController],
})
export class CalendarSyncHttpModule {}
