import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchedulingModule } from '@calbridge/scheduling';
import { ConnectionsRepository } from './connections/connections.repository';
import { AccountConnector } from './connections/account-connector.service';
import { CaldavConnect } from './connections/caldav-connect.service';
import { ConnectionViews } from './connections/connection-views.service';
import { ConnectionsService } from './connections/connections.service';
import { OAuthConnectService } from './connections/oauth-connect.service';
import { SyncCalendar } from './connections/entities/sync-calendar.entity';
import { SyncConnection } from './connections/entities/sync-connection.entity';
import { CredentialsVault } from './credentials/credentials-vault.service';
import { AccountContexts } from './credentials/account-contexts.service';
import { ChannelsService } from './webhooks/channels.service';
import { ConnectionTurns } from './engine/connection-turns';
import { MaintenanceService } from './maintenance/maintenance.service';
import { CaldavProvider } from './providers/caldav/caldav.provider';
import { GoogleClientFactory } from './providers/google/google-client.factory';
import { GoogleProvider } from './providers/google/google.provider';
import { GraphClientFactory } from './providers/microsoft/graph-client.factory';
import { MicrosoftProvider } from './providers/microsoft/microsoft.provider';
import type { CalendarProvider } from './providers/calendar-provider';
import { CALENDAR_PROVIDERS, ProviderRegistry } from './providers/provider-registry';
import { PulledSlots } from './pull/pulled-slots';
import { PullService } from './pull/pull.service';
import { PushService } from './push/push.service';
import { PushMeetings } from './push/push-meetings';
import { PushedEventsRepository } from './push/pushed-events.repository';
import { ConnectionSemaphore } from './queues/connection-semaphore';
import { SYNC_CONFLICTS_QUEUE, SYNC_MAINTENANCE_QUEUE, SYNC_PULL_QUEUE, SYNC_PUSH_QUEUE } from './queues/sync-tasks';
import { SyncQueues } from './queues/sync-queues.service';
import { SyncConfig, syncConfig } from './sync.config';

/**
 * Providers of a deployment. A provider joins by being listed here (its module's class); the
 * engine finds it by key through the registry. OAuth providers are offered only when their
 * client is configured (`enabledProviders` in the sync config).
 */
const PROVIDER_CLASSES = [CaldavProvider, GoogleProvider, MicrosoftProvider];

const SERVICES = [
  GoogleClientFactory,
  GraphClientFactory,
  CredentialsVault,
  ConnectionsRepository,
  PulledSlots,
  PushedEventsRepository,
  ProviderRegistry,
  AccountContexts,
  ChannelsService,
  ConnectionSemaphore,
  ConnectionTurns,
  SyncQueues,
  ConnectionViews,
  AccountConnector,
  CaldavConnect,
  ConnectionsService,
  OAuthConnectService,
  PullService,
  PushService,
  PushMeetings,
  MaintenanceService,
];

/** Calendar sync's services, repositories, providers and queue producers (api and worker import the same set). */
@Module({
  imports: [
    ConfigModule.forFeature(syncConfig),
    TypeOrmModule.forFeature([SyncConnection, SyncCalendar]),
    SchedulingModule,
    BullModule.registerQueue({ name: SYNC_PUSH_QUEUE }, { name: SYNC_PULL_QUEUE }, { name: SYNC_MAINTENANCE_QUEUE }, { name: SYNC_CONFLICTS_QUEUE }),
  ],
  providers: [
    ...PROVIDER_CLASSES,
    {
      provide: CALENDAR_PROVIDERS,
      inject: [syncConfig.KEY, ...PROVIDER_CLASSES],
      useFactory: (config: SyncConfig, ...providers: CalendarProvider[]) => providers.filter((p) => config.enabledProviders.includes(p.key)),
    },
    ...SERVICES,
  ],
  exports: [...SERVICES, ConfigModule, SchedulingModule],
})
export class CalendarSyncModule {}
