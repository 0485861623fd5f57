import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { databaseConfig } from '@calbridge/database';
import { authConfig } from '@calbridge/core';
import { VenuesModule } from '../venues/venues.module';
import { LiveEventsHub } from './live-events.hub';
import { LiveEventsRepository } from './live-events.repository';
import { StreamTicketsService } from './stream-tickets.service';
import { VenueStreamService } from './venue-stream.service';

/** Live updates for boards: committed outbox rows as Server-Sent Events per venue (api only). */
@Module({
  imports: [ConfigModule.forFeature(databaseConfig), ConfigModule.forFeature(authConfig), VenuesModule],
  providers: [LiveEventsRepository, LiveEventsHub, StreamTicketsService, VenueStreamService],
  exports: [LiveEventsHub, StreamTicketsService, VenueStreamService],
})
export class LiveModule {}
