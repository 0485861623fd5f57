import { retryLaterBackoff } from '@calbridge/core';

export { RetryLaterError } from '@calbridge/core';

/**
 * The notification queues. Outbox events arrive on {@link NOTIFICATION_EVENTS_QUEUE} (registered
 * with scheduling's DomainEventConsumers); {@link WEBHOOK_DELIVERY_QUEUE} runs the webhook sweep
 * (deliveries are claimed from the database by lane, see WebhookDeliveryService).
 */
export const NOTIFICATION_EVENTS_QUEUE = 'notifications-events';
export const WEBHOOK_DELIVERY_QUEUE = 'notifications-webhooks';
/** Invitation emails, one task per email (task id = email id). */
export const EMAIL_QUEUE = 'notifications-email';

export type EmailJob = { name: 'email.send'; data: { emailId: string } } | { name: 'email.sweep'; data: Record<string, never> };

/** `webhook.deliver`: tasks of an earlier version (one per message), finished without work. */
export type WebhookDeliveryJob = { name: 'webhook.deliver'; data: { messageId: string } } | { name: 'webhook.sweep'; data: Record<string, never> };

/** The notification queues' back-off: the delay a task asked for (RetryLaterError), else exponential from one second. */
export const notificationBackoffStrategy = retryLaterBackoff;

/**
 * When to try a failed webhook message again: the base delay doubling per attempt, capped, and
 * never past the message's give-up time (so the last attempt happens right at the end of the
 * window). Null once the window is over: the message is given up.
 */
export function nextWebhookAttempt(
  attemptsMade: number,
  now: Date,
  giveUpAt: Date,
  policy: { backoffBaseMs: number; backoffMaxMs: number },
): Date | null {
  if (now.getTime() >= giveUpAt.getTime()) return null;
  const delay = Math.min(policy.backoffBaseMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 40), policy.backoffMaxMs);
  return new Date(Math.min(now.getTime() + delay, giveUpAt.getTime()));
}
