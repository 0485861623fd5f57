/** BullMQ queue calendar sync consumes job events from (one consumer of the outbox among several). */
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

export const BLOCKED_SLOT_EVENT_TYPES = ['blocked_slot.created', 'blocked_slot.deleted', 'blocked_slots.synced'] as const;
export type BlockedSlotEventType = (typeof BLOCKED_SLOT_EVENT_TYPES)[number];

export const CONFLICT_EVENT_TYPES = ['conflict.opened', 'conflict.overridden', 'conflict.resolved'] as const;
export type ConflictEventType = (typeof CONFLICT_EVENT_TYPES)[number];

/** A customer's self-booking changed (booking lib); the job events of the same change are written alongside. */
export const BOOKING_EVENT_TYPES = ['booking.created', 'booking.rescheduled', 'booking.cancelled'] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

/** A connected calendar's grant was refused (calendar sync marked the connection needs_reauth). */
export const CONNECTION_EVENT_TYPES = ['connection.needs_reauth'] as const;
export type ConnectionEventType = (typeof CONNECTION_EVENT_TYPES)[number];

/**
 * Every type the outbox carries. Consumers pick theirs when they register
 * ({@link DomainEventConsumers}); a lib that needs a new type adds it here with its payload.
 */
export const DOMAIN_EVENT_TYPES = [
  ...JOB_EVENT_TYPES,
  ...BLOCKED_SLOT_EVENT_TYPES,
  ...CONFLICT_EVENT_TYPES,
  ...BOOKING_EVENT_TYPES,
  ...CONNECTION_EVENT_TYPES,
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

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
  /** Set for job.status_changed: the status after the change. */
  status?: string;
  /** Set for job.rescheduled / job.status_changed. */
  previous?: { startsAt?: string; endsAt?: string; status?: string };
}

/** A manual blocked slot was added or removed. */
export interface BlockedSlotEventPayload {
  slotId: string;
  staffId: string;
}

/** One pull (or removal) of a connected calendar changed the staff member's pulled slots. */
export interface BlockedSlotsSyncedPayload {
  staffId: string;
  created: number;
  updated: number;
  deleted: number;
}

export interface ConflictEventPayload {
  conflictId: string;
  staffId: string;
  jobId: string;
  blockedSlotId: string | null;
  /** Set for conflict.resolved. */
  resolution?: string;
}

export interface BookingEventPayload {
  bookingId: string;
  jobId: string;
  venueId: string;
  serviceId: string;
  customerId: string | null;
  /** Staff on the booked job. */
  staffIds: string[];
  startsAt: string;
  endsAt: string;
  /** Set for booking.rescheduled. */
  previous?: { startsAt: string; endsAt: string };
}

export interface ConnectionEventPayload {
  connectionId: string;
  staffId: string;
  /** `google`, `microsoft`, `caldav`. */
  provider: string;
  accountEmail: string | null;
  /** The provider's refusal, as recorded on the connection. */
  reason: string | null;
}

export interface DomainEventPayloads {
  'job.created': JobEventPayload;
  'job.updated': JobEventPayload;
  'job.rescheduled': JobEventPayload;
  'job.status_changed': JobEventPayload;
  'job.assigned': JobEventPayload;
  'job.unassigned': JobEventPayload;
  'blocked_slot.created': BlockedSlotEventPayload;
  'blocked_slot.deleted': BlockedSlotEventPayload;
  'blocked_slots.synced': BlockedSlotsSyncedPayload;
  'conflict.opened': ConflictEventPayload;
  'conflict.overridden': ConflictEventPayload;
  'conflict.resolved': ConflictEventPayload;
  'booking.created': BookingEventPayload;
  'booking.rescheduled': BookingEventPayload;
  'booking.cancelled': BookingEventPayload;
  'connection.needs_reauth': ConnectionEventPayload;
}

export type AggregateType = 'job' | 'blocked_slot' | 'staff' | 'conflict' | 'booking' | 'connection';

/** An event to append, typed by its name. */
export type NewDomainEvent = {
  [T in DomainEventType]: {
    type: T;
    aggregateType: AggregateType;
    /** Events of one aggregate are delivered in order. */
    aggregateId: string;
    /** Venues whose boards and subscribers this change concerns. */
    venueIds: string[];
    payload: DomainEventPayloads[T];
  };
}[DomainEventType];

/** The message a queue consumer receives (BullMQ task data; the task name is `type`). */
export type DomainEventMessage<T extends DomainEventType = DomainEventType> = Extract<NewDomainEvent, { type: T }> & {
  /**
   * Unique across deployments, databases and restores of a database (a random id per outbox row):
   * usable as a dedupe key downstream.
   */
  eventId: string;
  /** The outbox row's position: increasing in insertion order within one database. */
  sequence: string;
  occurredAt: string;
};

export function jobEvent(type: JobEventType, payload: JobEventPayload): NewDomainEvent {
  return { type, aggregateType: 'job', aggregateId: payload.jobId, venueIds: [payload.venueId], payload };
}

export function bookingEvent(type: BookingEventType, payload: BookingEventPayload): NewDomainEvent {
  return { type, aggregateType: 'booking', aggregateId: payload.bookingId, venueIds: [payload.venueId], payload };
}
