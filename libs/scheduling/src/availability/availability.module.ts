import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { schedulingConfig } from '../scheduling.config';
import { StaffModule } from '../staff/staff.module';
import { AvailabilityRepository } from './availability.repository';
import { AvailabilityService } from './availability.service';

@Module({
  imports: [ConfigModule.forFeature(schedulingConfig), StaffModule],
  providers: [AvailabilityRepository, AvailabilityService],
  exports: [AvailabilityRepository, AvailabilityService],
})
export class AvailabilityModule {}
