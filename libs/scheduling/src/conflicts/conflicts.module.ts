import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OutboxModule } from '../outbox/outbox.module';
import { Conflict } from './conflict.entity';
import { ConflictsRepository } from './conflicts.repository';
import { ConflictsService } from './conflicts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Conflict]), AuditModule, OutboxModule],
  providers: [ConflictsRepository, ConflictsService],
  exports: [ConflictsService],
})
export class ConflictsModule {}
