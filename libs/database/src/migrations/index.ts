import { SchedulingCore1795300000000 } from './1795300000000-scheduling-core';
import { IcalFeed1795400000000 } from './1795400000000-ical-feed';
import { CalendarSync1795500000000 } from './1795500000000-calendar-sync';
import { OutboxConsumers1795600000000 } from './1795600000000-outbox-consumers';
import { FeedHeadNotifications1795900000000 } from './1795900000000-feed-head-notifications';
import { Booking1796000000000 } from './1796000000000-booking';
import { OutboxXid1796200000000 } from './1796200000000-outbox-xid';
import { StaffActive1796200000001 } from './1796200000001-staff-active';
import { Notifications1796300000000 } from './1796300000000-notifications';
import { Calendly1796300001000 } from './1796300001000-calendly';
import { EmailInvitations1796300002000 } from './1796300002000-email-invitations';
import { SyncRateLimits1796400000000 } from './1796400000000-sync-rate-limits';
import { JobMeetingLinks1796500000000 } from './1796500000000-job-meeting-links';
import { JobMeetingRequest1796500001000 } from './1796500001000-job-meeting-request';
import { WebhookLanes1796600000000 } from './1796600000000-webhook-lanes';
import { WebhookSecretsSealed1796600001000 } from './1796600001000-webhook-secrets-sealed';
import { OutboxPruneMark1797100000000 } from './1797100000000-outbox-prune-mark';

/** Every migration, in order. New migrations are appended here (the build bundles no globs). */
export const MIGRATIONS = [
  SchedulingCore1795300000000,
  IcalFeed1795400000000,
  CalendarSync1795500000000,
  OutboxConsumers1795600000000,
  FeedHeadNotifications1795900000000,
  Booking1796000000000,
  OutboxXid1796200000000,
  StaffActive1796200000001,
  Notifications1796300000000,
  Calendly1796300001000,
  EmailInvitations1796300002000,
  SyncRateLimits1796400000000,
  JobMeetingLinks1796500000000,
  JobMeetingRequest1796500001000,
  WebhookLanes1796600000000,
  WebhookSecretsSealed1796600001000,
  OutboxPruneMark1797100000000,
];
