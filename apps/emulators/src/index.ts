/**
 * Local emulators of Google Calendar v3 and Microsoft Graph v1.0 calendars, for tests, benchmarks
 * and the local demo. See apps/emulators/README.md.
 */
export { manualClock, systemClock } from './shared/clock';
export type { Clock, ManualClock } from './shared/clock';
export type { CommonEmulatorOptions } from './shared/emulator-options';
export type { CommonControls, IssuedTokenSet, NotificationControls } from './shared/controls';
export type {
  DeliveryRecord,
  NotificationDeliveryMode,
  NotificationKind,
  NotificationTransport,
  OutgoingNotification,
  TransportResponse,
} from './shared/notifier';
export type { FailOptions, FaultMatch, RecordedRequest, RequestStats, ThrottleOptions } from './shared/traffic';
export type { OAuthClientConfig } from './oauth/oauth-authority';
export { defaultTlsDir, ensureEmulatorCa, serverCertificate } from './tls/emulator-tls';
export type { EmulatorCa, EmulatorTlsOptions } from './tls/emulator-tls';
export {
  GOOGLE_DEFAULT_SCOPES,
  GOOGLE_DEV_CLIENT,
  startGoogleEmulator,
} from './google/google-emulator';
export type {
  GoogleAccountInfo,
  GoogleEmulatorControls,
  GoogleEmulatorOptions,
  GoogleEventInput,
  RunningGoogleEmulator,
} from './google/google-emulator';
export type { ChannelInfo } from './google/google-watch';
export type { ConferencingMode } from './google/google-conferences';
export {
  MICROSOFT_DEFAULT_SCOPES,
  MICROSOFT_DEV_CLIENT,
  startMicrosoftEmulator,
} from './microsoft/microsoft-emulator';
export type {
  MicrosoftAccountInfo,
  MicrosoftEmulatorControls,
  MicrosoftEmulatorOptions,
  MicrosoftUserEvent,
  RunningMicrosoftEmulator,
  SubscriptionInfo,
} from './microsoft/microsoft-emulator';
export type { DeltaExpiry } from './microsoft/graph-delta';
export type { LifecycleEvent } from './microsoft/graph-subscriptions';
