import { DomainEventConsumers, SchedulingModule } from '@calbridge/scheduling';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Inject, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Queue } from 'bullmq';
import { EmailProcessor } from './email/email.processor';
import { NotificationEventsProcessor } from './events/notification-events.processor';
import { notificationsConfig } from './notifications.config';
import { NotificationsModule } from './notifications.module';
import { EMAIL_QUEUE, NOTIFICATION_EVENTS_QUEUE, WEBHOOK_DELIVERY_QUEUE } from './queues/notification-queues';
import { WEBHOOK_SOURCE_EVENT_TYPES } from './webhooks/webhook-events';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';

/** Notifications' background work (worker only): the outbox consumer, webhook delivery, invitation emails, the sweeps. */
@Module({
  imports: [NotificationsModule, SchedulingModule, BullModule.registerQueue({ name: NOTIFICATION_EVENTS_QUEUE })],
  providers: [NotificationEventsProcessor, WebhookDeliveryProcessor, EmailProcessor],
})
export class NotificationsWorkerModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly consumers: DomainEventConsumers,
    @InjectQueue(NOTIFICATION_EVENTS_QUEUE) private readonly events: Queue,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly deliveries: Queue,
    @InjectQueue(EMAIL_QUEUE) private readonly emails: Queue,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  /** The events notifications tell people about reach it through the outbox. */
  onModuleInit(): void {
    this.consumers.register({ queue: this.events, types: WEBHOOK_SOURCE_EVENT_TYPES });
  }

  /** Webhook delivery runs in every worker; one sweep schedule for all (BullMQ job scheduler: upserting it again is harmless). */
  async onApplicationBootstrap(): Promise<void> {
    this.delivery.start();
    await this.deliveries.upsertJobScheduler(
      'webhook-sweep',
      { every: this.config.webhooks.sweepIntervalMs },
      { name: 'webhook.sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    await this.emails.upsertJobScheduler(
      'email-sweep',
      { every: this.config.webhooks.sweepIntervalMs },
      { name: 'email.sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
