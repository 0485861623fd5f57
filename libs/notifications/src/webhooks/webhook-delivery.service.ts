import { MetricsService, OutboundGuard } from '@calbridge/core';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Queue } from 'bullmq';
import { notificationsConfig } from '../notifications.config';
import { nextWebhookAttempt, RetryLaterError, WEBHOOK_DELIVERY_QUEUE } from '../queues/notification-queues';
import { standardWebhookHeaders } from './standard-webhooks';
import { postWebhook } from './webhook-sender';
import { WEBHOOK_GUARD } from './webhook-guard';
import { WebhooksRepository } from './webhooks.repository';

/** A message waiting behind its lane's head looks again this long after the head is due. */
const WAITING_RECHECK_MS = 1_000;

/** The `webhook-id` of a message: the same on every attempt. */
export function webhookMessageId(messageId: string): string {
  return `msg_${messageId}`;
}

/**
 * Delivers webhook messages, at least once and in order per lane (one subscription, one job): only
 * the oldest pending message of a lane is sent; the others wait (their tasks delayed) and the next
 * one is woken when the head is delivered or given up. A failure is retried with back-off until the message's give-up time (WEBHOOK_RETRY_HOURS
 * after the event), every attempt with the same `webhook-id` and body, and logged with its status
 * and response time.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly outcomes;
  private readonly latency;

  constructor(
    private readonly webhooks: WebhooksRepository,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
    @Inject(WEBHOOK_GUARD) private readonly guard: OutboundGuard,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('calbridge_webhook_attempts_total', 'Webhook delivery attempts by outcome', ['outcome']);
    this.latency = metrics.histogram('calbridge_webhook_response_seconds', 'Webhook receivers’ response time', [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** Queues delivery tasks (a message already queued, delayed or running is not queued twice). */
  async enqueue(messageIds: string[]): Promise<void> {
    if (!messageIds.length) return;
    await this.queue.addBulk(
      messageIds.map((messageId) => ({
        name: 'webhook.deliver',
        data: { messageId },
        opts: {
          jobId: messageId,
          // Retries are governed by the message's give-up time, not by a count.
          attempts: 1_000_000,
          backoff: { type: 'custom' },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }

  /**
   * One attempt at a message (a BullMQ task). A message behind another of its lane waits: the
   * result says until when (the head's next attempt, or shortly when the head is in flight), and
   * the head, once delivered or given up, wakes the next one at once ({@link wake}).
   */
  async deliver(messageId: string): Promise<{ waitUntil: Date } | null> {
    const message = await this.webhooks.findMessage(messageId);
    if (!message || message.status !== 'pending' || message.subscriptionDeleted) return null;
    if (message.head && message.head.id !== message.id) {
      const headDue = message.head.nextAttemptAt.getTime();
      return { waitUntil: new Date(Math.max(headDue, Date.now()) + WAITING_RECHECK_MS) };
    }

    const attempt = message.attempts + 1;
    const policy = this.config.webhooks;
    const result = await postWebhook(
      this.guard.fetch,
      message.url,
      standardWebhookHeaders(message.secret, webhookMessageId(message.id), Math.floor(Date.now() / 1000), message.body),
      message.body,
    );
    if (result.statusCode !== null) this.latency.observe(result.responseMs / 1000);

    const retryAt = result.ok ? null : nextWebhookAttempt(attempt, new Date(), message.giveUpAt, policy);
    await this.webhooks.recordAttempt(message, { number: attempt, ...result }, retryAt ? { nextAttemptAt: retryAt } : { finish: result.ok ? 'delivered' : 'failed' });
    this.outcomes.inc({ outcome: result.ok ? 'delivered' : retryAt ? 'retry' : 'given_up' });
    if (retryAt) {
      this.logger.warn(
        { subscriptionId: message.subscriptionId, messageId: message.id, attempt, error: result.error },
        'Webhook delivery failed; will retry',
      );
      throw new RetryLaterError(`Webhook delivery failed (${result.error})`, Math.max(0, retryAt.getTime() - Date.now()));
    }
    if (!result.ok) {
      this.logger.error(
        { subscriptionId: message.subscriptionId, messageId: message.id, attempts: attempt, error: result.error },
        'Webhook delivery given up after the retry window',
      );
    }
    await this.wake(message.subscriptionId, message.laneKey);
    return null;
  }

  /** Runs the lane's new head now: its waiting task is promoted, or queued when it has none. */
  private async wake(subscriptionId: string, laneKey: string): Promise<void> {
    const next = await this.webhooks.laneHead(subscriptionId, laneKey);
    if (!next) return;
    const task = await this.queue.getJob(next);
    if (!task) return this.enqueue([next]);
    if (await task.isDelayed()) await task.promote().catch(() => undefined);
  }

  /** Queues lane heads whose task was lost (Redis flushed, a crash between commit and enqueue); prunes the log. */
  async sweep(): Promise<void> {
    const lost = await this.webhooks.overdueHeads(30_000, 1000);
    if (lost.length) {
      this.logger.warn(`Re-queuing ${lost.length} webhook message(s) whose delivery task was missing`);
      await this.enqueue(lost);
    }
    await this.webhooks.prune(this.config.webhooks.logRetentionDays);
  }
}
