import { Module } from '@nestjs/common';
import { CalendarSyncModule } from './calendar-sync.module';
import { CalendarProvidersController } from './connections/calendar-providers.controller';
import { ConnectionsOverviewController } from './connections/connections-overview.controller';
import { ConnectionsOverviewRepository } from './connections/connections-overview.repository';
import { ConnectionsController } from './connections/connections.controller';
import { OAuthCallbackController } from './connections/oauth-callback.controller';
import { StaffConnectionsController } from './connections/staff-connections.controller';
import { GoogleWebhookController } from './webhooks/google-webhook.controller';
import { MicrosoftWebhookController } from './webhooks/microsoft-webhook.controller';

/** The calendar sync REST API, OAuth callbacks and provider webhooks (api only). */
@Module({
  imports: [CalendarSyncModule],
  providers: [ConnectionsOverviewRepository],
  controllers: [CalendarProvidersController, ConnectionsOverviewController, StaffConnectionsController, ConnectionsController, OAuthCallbackController, GoogleWebhookController, MicrosoftWebhookController],
})
export class CalendarSyncHttpModule {}
