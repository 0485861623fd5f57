import { CoreModule } from '@calbridge/core';
import { DatabaseModule } from '@calbridge/database';
import { DemoDataModule } from '@calbridge/scheduling';
import { Module } from '@nestjs/common';

/** What the CLI's commands need: configuration, the database and the demo data seeder. */
@Module({ imports: [CoreModule.forRoot('cli'), DatabaseModule.forRoot(), DemoDataModule] })
export class CliModule {}
