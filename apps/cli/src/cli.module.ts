import { BookingModule } from '@calbridge/booking';
import { CoreModule } from '@calbridge/core';
import { DatabaseModule } from '@calbridge/database';
import { IcalFeedModule } from '@calbridge/ical-feed';
import { DemoDataModule } from '@calbridge/scheduling';
import { Module } from '@nestjs/common';

/** What the CLI's commands need: configuration, the database, the demo data seeders and feed URLs. */
@Module({ imports: [CoreModule.forRoot('cli'), DatabaseModule.forRoot(), DemoDataModule, BookingModule, IcalFeedModule] })
export class CliModule {}
