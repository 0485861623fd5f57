import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { BlockedSlotsModule } from '../blocked-slots/blocked-slots.module';
import { ConflictsModule } from '../conflicts/conflicts.module';
import { schedulingConfig } from '../scheduling.config';
import { StaffModule } from '../staff/staff.module';
import { VenuesModule } from '../venues/venues.module';
import { BoardRepository } from './board.repository';
import { BoardService } from './board.service';

/** The dispatcher board's one read (api only). */
@Module({
  imports: [ConfigModule.forFeature(schedulingConfig), VenuesModule, StaffModule, BlockedSlotsModule, ConflictsModule],
  providers: [BoardRepository, BoardService],
  exports: [BoardService],
})
export class BoardModule {}
