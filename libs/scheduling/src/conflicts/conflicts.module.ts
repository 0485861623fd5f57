import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Conflict } from './conflict.entity';
import { ConflictsRepository } from './conflicts.repository';
import { ConflictsService } from './conflicts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Conflict]), AuditModule],
  providers: [ConflictsRepository, ConflictsService],
  exports: [ConflictsService],
})
export class ConflictsModule {}
