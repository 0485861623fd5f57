import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DomainEventMessage, SCHEDULING_EVENTS_QUEUE } from './domain-events';

export const DOMAIN_EVENT_PUBLISHER = Symbol('DOMAIN_EVENT_PUBLISHER');

/** Where relayed events go. Publishing the same event twice must be harmless (dedupe by eventId). */
export interface DomainEventPublisher {
  publish(events: DomainEventMessage[]): Promise<void>;
}

/** BullMQ job id of an event: re-publishing after a crash is a no-op while the job is retained. */
export function eventJobId(eventId: string): string {
  return `event-${eventId}`;
}

@Injectable()
export class BullDomainEventPublisher implements DomainEventPublisher {
  constructor(@InjectQueue(SCHEDULING_EVENTS_QUEUE) private readonly queue: Queue) {}

  async publish(events: DomainEventMessage[]): Promise<void> {
    if (!events.length) return;
    await this.queue.addBulk(
      events.map((event) => ({
        name: event.type,
        data: event,
        opts: {
          jobId: eventJobId(event.eventId),
          attempts: 10,
          backoff: { type: 'exponential', delay: 1000 },
          // Kept long enough that a relay re-publishing after a crash is deduplicated.
          removeOnComplete: { age: 3 * 24 * 3600 },
          removeOnFail: { age: 14 * 24 * 3600 },
        },
      })),
    );
  }
}
