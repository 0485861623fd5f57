import { Module } from '@nestjs/common';
import { OutboxRelayModule } from './outbox/outbox-relay.module';
import { SchedulingModule } from './scheduling.module';

/** Background work of the scheduling domain (worker only): the outbox relay. */
@Module({
  imports: [SchedulingModule, OutboxRelayModule],
  exports: [OutboxRelayModule],
})
export class SchedulingWorkerModule {}
