import { DomainEventMessage, JOB_EVENT_TYPES, JobEventType, SCHEDULING_EVENTS_QUEUE } from '@calbridge/scheduling';
import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Job } from 'bullmq';
import { syncBackoffStrategy } from '../queues/sync-jobs';
import { JobHandlers, TypedWorkerHost } from '../queues/typed-worker-host';
import { syncConfig } from '../sync.config';
import { PushService } from './push.service';

type SchedulingEventJob = { [T in JobEventType]: { name: T; data: DomainEventMessage<T> } }[JobEventType];

/**
 * Consumes the scheduling events the outbox relay publishes: each job change becomes pending
 * pushes for the live connections of the staff it affects (the push queue does the writing).
 */
@Processor(SCHEDULING_EVENTS_QUEUE, { settings: { backoffStrategy: syncBackoffStrategy } })
export class SchedulingEventsProcessor extends TypedWorkerHost<SchedulingEventJob> {
  protected readonly jobNames = JOB_EVENT_TYPES;

  constructor(
    private readonly push: PushService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {
    super();
  }

  protected concurrency(): number {
    return this.config.queues.workerConcurrency;
  }

  protected handlers(): JobHandlers<SchedulingEventJob> {
    const handle = (job: Job<DomainEventMessage<JobEventType>>) => this.push.onSchedulingEvent(job.data);
    return Object.fromEntries(JOB_EVENT_TYPES.map((type) => [type, handle])) as JobHandlers<SchedulingEventJob>;
  }
}
