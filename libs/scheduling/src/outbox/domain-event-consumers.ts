import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { DomainEventType } from './domain-events';

/** A lib that wants committed events: its own queue and the types it handles. */
export interface DomainEventConsumer {
  queue: Queue;
  types: readonly DomainEventType[];
}

/**
 * Who consumes the outbox. A lib's worker module registers its queue from `onModuleInit`; the relay
 * (started at bootstrap, after every module has initialised) publishes each committed event to
 * every queue that wants its type. The feature libs never import each other: they meet here.
 */
@Injectable()
export class DomainEventConsumers {
  private readonly consumers = new Map<string, { queue: Queue; types: ReadonlySet<DomainEventType> }>();

  register(consumer: DomainEventConsumer): void {
    if (this.consumers.has(consumer.queue.name)) {
      throw new Error(`The queue "${consumer.queue.name}" is already registered as an outbox consumer`);
    }
    this.consumers.set(consumer.queue.name, { queue: consumer.queue, types: new Set(consumer.types) });
  }

  /** Each consumer's queue with the subset of `types` it wants (consumers wanting none left out). */
  route<E extends { type: DomainEventType }>(events: E[]): Array<{ queue: Queue; events: E[] }> {
    const routes: Array<{ queue: Queue; events: E[] }> = [];
    for (const { queue, types } of this.consumers.values()) {
      const wanted = events.filter((e) => types.has(e.type));
      if (wanted.length) routes.push({ queue, events: wanted });
    }
    return routes;
  }

  get queueNames(): string[] {
    return [...this.consumers.keys()];
  }
}
