import type { DomainEventMessage } from '@calbridge/scheduling';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Job } from 'bullmq';
import { notificationsConfig } from '../notifications.config';
import { NOTIFICATION_EVENTS_QUEUE, notificationBackoffStrategy } from '../queues/notification-queues';
import { InvitationsService } from '../email/invitations.service';
import { WebhookFanoutService } from '../webhooks/webhook-fanout.service';

/** Consumes the outbox events notifications registered for: each becomes the webhook messages and invitation emails it owes. */
@Processor(NOTIFICATION_EVENTS_QUEUE, { settings: { backoffStrategy: notificationBackoffStrategy } })
export class NotificationEventsProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly webhooks: WebhookFanoutService,
    private readonly invitations: InvitationsService,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = Math.min(16, this.config.webhooks.workerConcurrency);
  }

  async process(job: Job<DomainEventMessage>): Promise<void> {
    // Both are idempotent: a retry after either failed repeats nothing already recorded.
    await this.webhooks.onEvent(job.data);
    await this.invitations.onEvent(job.data);
  }
}
