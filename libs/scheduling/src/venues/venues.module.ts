import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Venue } from './venue.entity';
import { VenuesRepository } from './venues.repository';
import { VenuesService } from './venues.service';

@Module({
  imports: [TypeOrmModule.forFeature([Venue]), AuditModule],
  providers: [VenuesRepository, VenuesService],
  exports: [VenuesRepository, VenuesService],
})
export class VenuesModule {}
