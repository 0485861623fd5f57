import { BOOKING_EVENT_TYPES, CONNECTION_EVENT_TYPES, JOB_EVENT_TYPES } from '@calbridge/scheduling';
import type { DomainEventMessage, DomainEventType } from '@calbridge/scheduling';

/** The event types a webhook subscription can ask for (API.md "Notifications and conference links"). */
export const WEBHOOK_EVENT_TYPES = [
  'job.created',
  'job.updated',
  'job.cancelled',
  'job.assigned',
  'job.unassigned',
  'booking.created',
  'booking.rescheduled',
  'booking.cancelled',
  'conflict.opened',
  'conflict.resolved',
  'connection.needs_reauth',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The outbox events notifications consume to produce webhook events. */
export const WEBHOOK_SOURCE_EVENT_TYPES = [
  ...JOB_EVENT_TYPES,
  ...BOOKING_EVENT_TYPES,
  'conflict.opened',
  'conflict.resolved',
  ...CONNECTION_EVENT_TYPES,
] as const satisfies readonly DomainEventType[];

/**
 * The public webhook type of an outbox event, or null when subscribers are not told about it.
 * A reschedule or an edit is `job.updated`; a status change to `cancelled` is `job.cancelled`,
 * any other status change `job.updated`.
 */
export function webhookEventType(event: DomainEventMessage): WebhookEventType | null {
  switch (event.type) {
    case 'job.rescheduled':
      return 'job.updated';
    case 'job.status_changed':
      return event.payload.status === 'cancelled' ? 'job.cancelled' : 'job.updated';
    default:
      return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(event.type) ? (event.type as WebhookEventType) : null;
  }
}
