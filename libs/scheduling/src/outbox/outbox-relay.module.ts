import { databaseConfig } from '@calbridge/database';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { schedulingConfig } from '../scheduling.config';
import { BullDomainEventPublisher, DOMAIN_EVENT_PUBLISHER } from './domain-event-publisher';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxModule } from './outbox.module';

/** The relay from outbox rows to the queues of the registered consumers (worker only). */
@Module({
  imports: [
    OutboxModule,
    ConfigModule.forFeature(schedulingConfig),
    ConfigModule.forFeature(databaseConfig),
  ],
  providers: [{ provide: DOMAIN_EVENT_PUBLISHER, useClass: BullDomainEventPublisher }, OutboxRelayService],
  exports: [OutboxRelayService],
})
export class OutboxRelayModule {}
