/**
 * Calendar sync's second door, for integration tests and benchmarks only (ESLint allows
 * `@calbridge/calendar-sync/testing` in test/ and bench/, nowhere else): the internals they drive
 * or inspect — the ledger, the queues, the services, the CalDAV provider to wrap.
 */
export { CaldavProvider } from './providers/caldav/caldav.provider';
export { CALENDAR_PROVIDERS } from './providers/provider-registry';
export { connectionKeyPrefix } from './providers/event-key';
export { ChannelsService } from './webhooks/channels.service';
export { AccountConnector } from './connections/account-connector.service';
export { ConnectionsRepository } from './connections/connections.repository';
export { PushedEventsRepository } from './push/pushed-events.repository';
export { PullService } from './pull/pull.service';
export { SyncQueues } from './queues/sync-queues.service';
export { ConnectionSemaphore } from './queues/connection-semaphore';
export { MaintenanceService } from './maintenance/maintenance.service';
