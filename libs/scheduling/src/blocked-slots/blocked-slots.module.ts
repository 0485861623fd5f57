import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ConflictsModule } from '../conflicts/conflicts.module';
import { OutboxModule } from '../outbox/outbox.module';
import { schedulingConfig } from '../scheduling.config';
import { StaffModule } from '../staff/staff.module';
import { BlockedSlot } from './blocked-slot.entity';
import { BlockedSlotsRepository } from './blocked-slots.repository';
import { BlockedSlotsService } from './blocked-slots.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([BlockedSlot]),
    ConfigModule.forFeature(schedulingConfig),
    StaffModule,
    ConflictsModule,
    AuditModule,
    OutboxModule,
  ],
  providers: [BlockedSlotsRepository, BlockedSlotsService],
  exports: [BlockedSlotsRepository, BlockedSlotsService],
})
export class BlockedSlotsModule {}
