import { SchedulingModule } from '@calbridge/scheduling';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CalendlyInviteesRepository } from './calendly/calendly-invitees.repository';
import { CalendlyService } from './calendly/calendly.service';
import { EmailRepository } from './email/email.repository';
import { EmailSenderService } from './email/email-sender.service';
import { InvitationsService } from './email/invitations.service';
import { NotificationSettingsService } from './email/notification-settings.service';
import { notificationsConfig } from './notifications.config';
import { EMAIL_QUEUE, WEBHOOK_DELIVERY_QUEUE } from './queues/notification-queues';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookFanoutService } from './webhooks/webhook-fanout.service';
import { webhookGuardProvider } from './webhooks/webhook-guard';
import { WebhookLanesRepository } from './webhooks/webhook-lanes.repository';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';

const PROVIDERS = [WebhooksRepository, WebhookLanesRepository, WebhookSecrets, WebhooksService, WebhookDeliveryService, WebhookFanoutService, CalendlyInviteesRepository, CalendlyService, EmailRepository, InvitationsService, EmailSenderService, NotificationSettingsService];

/** Notifications' services, repositories and queue producers (api and worker import the same set). */
@Module({
  imports: [ConfigModule.forFeature(notificationsConfig), SchedulingModule, BullModule.registerQueue({ name: WEBHOOK_DELIVERY_QUEUE }, { name: EMAIL_QUEUE })],
  providers: [webhookGuardProvider, ...PROVIDERS],
  exports: [...PROVIDERS, ConfigModule, BullModule],
})
export class NotificationsModule {}
