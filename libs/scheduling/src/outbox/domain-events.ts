/** BullMQ queue the outbox relay publishes scheduling events to (consumed by calendar sync). */
export const SCHEDULING_EVENTS_QUEUE = 'scheduling-events';

export const JOB_EVENT_TYPES = [
  'job.created',
  'job.updated',
  'job.rescheduled',
  'job.status_changed',
  'job.assigned',
  'job.unassigned',
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** What every job event carries. Consumers re-read the job: events say *that* something changed. */
export interface JobEventPayload {
  jobId: string;
  venueId: string;
  /** Job version after the change. */
  version: number;
  /** Staff assigned after the change. */
  staffIds: string[];
  /** Staff whose calendars this change touches (assigned now or just removed). */
  affectedStaffIds: string[];
  /** Set for job.assigned / job.unassigned. */
  staffId?: string;
  /** Set for job.rescheduled / job.status_changed. */
  previous?: { startsAt?: string; endsAt?: string; status?: string };
}

export interface NewDomainEvent {
  type: JobEventType;
  aggregateType: 'job';
  aggregateId: string;
  payload: JobEventPayload;
}

/** The message a queue consumer receives (BullMQ job data; the job name is `type`). */
export interface DomainEventMessage extends NewDomainEvent {
  /** The outbox row id: increasing, unique, usable for dedupe. */
  eventId: string;
  occurredAt: string;
}
