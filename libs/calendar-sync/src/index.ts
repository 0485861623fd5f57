/**
 * @calbridge/calendar-sync — two-way sync of staff members' calendars (CalDAV, Google, Microsoft).
 * The door: the Nest modules apps compose, the configuration, and the provider interface a new
 * provider implements. Everything else is internal (tests and benchmarks use `./testing`).
 */
export * from './calendar-sync.module';
export * from './calendar-sync-http.module';
export * from './calendar-sync-worker.module';
export { syncConfig } from './sync.config';
export type { SyncConfig } from './sync.config';
export type * from './providers/calendar-provider';
export { ProviderError } from './providers/provider-error';
export type { ProviderErrorCode } from './providers/provider-error';
