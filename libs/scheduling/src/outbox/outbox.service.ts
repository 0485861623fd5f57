import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { NewDomainEvent } from './domain-events';
import { OutboxRepository } from './outbox.repository';

/** Records domain events in the caller's transaction (transactional outbox). */
@Injectable()
export class OutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  append(em: EntityManager, ...events: NewDomainEvent[]): Promise<void> {
    return this.outbox.append(em, events);
  }
}
