import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { notificationsConfig } from '../notifications.config';
import { notificationBackoffStrategy, WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJob } from '../queues/notification-queues';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Webhook deliveries (one task per message) and the periodic sweep; scales out with the workers. */
@Processor(WEBHOOK_DELIVERY_QUEUE, { settings: { backoffStrategy: notificationBackoffStrategy } })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly delivery: WebhookDeliveryService,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.workerConcurrency;
  }

  async process(job: Job<WebhookDeliveryJob['data'], unknown, WebhookDeliveryJob['name']>, token?: string): Promise<void> {
    switch (job.name) {
      case 'webhook.deliver': {
        const waiting = await this.delivery.deliver((job.data as { messageId: string }).messageId);
        if (!waiting) return;
        // Behind its lane's head: wait (without spending an attempt) until the head is due or wakes it.
        await job.moveToDelayed(waiting.waitUntil.getTime(), token);
        throw new DelayedError();
      }
      case 'webhook.sweep':
        return this.delivery.sweep();
      default:
        throw new UnrecoverableError(`${WebhookDeliveryProcessor.name} has no handler for job "${String(job.name)}"`);
    }
  }
}
