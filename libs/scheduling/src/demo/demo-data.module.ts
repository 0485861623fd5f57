import { Module } from '@nestjs/common';
import { SchedulingModule } from '../scheduling.module';
import { DemoDataService } from './demo-data.service';

@Module({ imports: [SchedulingModule], providers: [DemoDataService], exports: [DemoDataService] })
export class DemoDataModule {}
