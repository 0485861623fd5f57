import { DeploymentIdentity } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { DomainEventConsumers } from './domain-event-consumers';
import type { DomainEventMessage } from './domain-events';

export const DOMAIN_EVENT_PUBLISHER = Symbol('DOMAIN_EVENT_PUBLISHER');

/** Where relayed events go. Publishing the same event twice must be harmless (dedupe by eventId). */
export interface DomainEventPublisher {
  publish(events: DomainEventMessage[]): Promise<void>;
}

/**
 * BullMQ task id of an event: the deployment and the event's own random id, so a re-publish after
 * a crash is a no-op while the task is retained, another database's events never collide with
 * these, and a database restored from a backup (whose row ids start again below ids Redis has
 * seen) never has a new event dropped as a duplicate.
 */
export function eventTaskId(deploymentId: string, eventId: string): string {
  return `event-${deploymentId}-${eventId}`;
}

/** Publishes every event to the queue of each consumer that wants its type. */
@Injectable()
export class BullDomainEventPublisher implements DomainEventPublisher {
  constructor(
    private readonly consumers: DomainEventConsumers,
    private readonly deployment: DeploymentIdentity,
  ) {}

  async publish(events: DomainEventMessage[]): Promise<void> {
    if (!events.length) return;
    const deploymentId = this.deployment.id;
    await Promise.all(
      this.consumers.route(events).map(({ queue, events: wanted }) =>
        queue.addBulk(
          wanted.map((event) => ({
            name: event.type,
            data: event,
            opts: {
              jobId: eventTaskId(deploymentId, event.eventId),
              attempts: 10,
              backoff: { type: 'exponential', delay: 1000 },
              // Kept long enough that a relay re-publishing after a crash is deduplicated.
              removeOnComplete: { age: 3 * 24 * 3600 },
              removeOnFail: { age: 14 * 24 * 3600 },
            },
          })),
        ),
      ),
    );
  }
}
