import { Module } from '@nestjs/common';
import { CalendlyWebhookController } from './calendly/calendly-webhook.controller';
import { NotificationSettingsController } from './email/notification-settings.controller';
import { NotificationsModule } from './notifications.module';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The notifications API: webhook subscriptions and their delivery log under /v1/webhooks, Calendly in at /webhooks/calendly (api only). */
@Module({
  imports: [NotificationsModule],
  controllers: [WebhooksController, CalendlyWebhookController, NotificationSettingsController],
})
export class NotificationsHttpModule {}
