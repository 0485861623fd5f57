import { DomainEventMessage, JOB_EVENT_TYPES, JobEventType, SCHEDULING_EVENTS_QUEUE } from '@calbridge/scheduling';
import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { syncBackoffStrategy } from '../queues/sync-tasks';
import { TaskHandlers, TaskWorkerHost } from '../queues/task-worker-host';
import { PushService } from './push.service';

type SchedulingEventJob = { [T in JobEventType]: { name: T; data: DomainEventMessage<T> } }[JobEventType];

/**
 * Consumes the scheduling events the outbox relay publishes (step 1 of the walk in PushService):
 * each job change becomes pending pushes for the live connections of the staff it affects.
 */
@Processor(SCHEDULING_EVENTS_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class SchedulingEventsProcessor extends TaskWorkerHost<SchedulingEventJob> {
  protected readonly taskNames = JOB_EVENT_TYPES;

  constructor(
    private readonly push: PushService,
  ) {
    super();
  }

  protected handlers(): TaskHandlers<SchedulingEventJob> {
    const handle = (job: Job<DomainEventMessage<JobEventType>>) => this.push.onSchedulingEvent(job.data);
    return Object.fromEntries(JOB_EVENT_TYPES.map((type) => [type, handle])) as TaskHandlers<SchedulingEventJob>;
  }
}
