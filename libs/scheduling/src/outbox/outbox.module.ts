import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEventConsumers } from './domain-event-consumers';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxHealth } from './outbox-health';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** Writing side of the transactional outbox and the registry of its consumers (api and worker). */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  providers: [OutboxRepository, OutboxService, DomainEventConsumers, OutboxHealth],
  exports: [OutboxRepository, OutboxService, DomainEventConsumers],
})
export class OutboxModule {}
