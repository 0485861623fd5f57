import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { notificationBackoffStrategy, WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJob } from '../queues/notification-queues';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * The periodic webhook sweep (pruning). Deliveries themselves are claimed from the database by
 * {@link WebhookDeliveryService} in every worker; a `webhook.deliver` task left in Redis by an
 * earlier version has nothing left to do (its message's lane delivers it).
 */
@Processor(WEBHOOK_DELIVERY_QUEUE, { settings: { backoffStrategy: notificationBackoffStrategy } })
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(private readonly delivery: WebhookDeliveryService) {
    super();
  }

  async process(job: Job<WebhookDeliveryJob['data'], unknown, WebhookDeliveryJob['name']>): Promise<void> {
    switch (job.name) {
      case 'webhook.sweep':
        return this.delivery.sweep();
      case 'webhook.deliver':
        return;
      default:
        throw new UnrecoverableError(`${WebhookDeliveryProcessor.name} has no handler for job "${String(job.name)}"`);
    }
  }
}
