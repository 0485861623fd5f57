import { Module } from '@nestjs/common';
import { NotificationsModule } from './notifications.module';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The notifications API: webhook subscriptions and their delivery log under /v1/webhooks (api only). */
@Module({
  imports: [NotificationsModule],
  controllers: [WebhooksController],
})
export class NotificationsHttpModule {}
