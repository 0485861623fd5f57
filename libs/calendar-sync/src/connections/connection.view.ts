import type { SyncCalendar } from './entities/sync-calendar.entity';
import type { SyncConnection } from './entities/sync-connection.entity';

/** A connection and its calendars as the API shows them (no credentials, no cursors). */
export interface ConnectionView {
  id: string;
  staffId: string;
  provider: string;
  accountEmail: string;
  serverUrl: string | null;
  status: SyncConnection['status'];
  pushCalendarId: string | null;
  pullCalendarIds: string[];
  includeClientNames: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
  failureCount: number;
  /** Rate limits met in a row (throttling is not a failure: the status stays, `backoffUntil` says when it goes on). */
  rateLimitedCount: number;
  backoffUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CalendarView {
  id: string;
  externalId: string;
  name: string;
  color: string | null;
  timezone: string | null;
  readOnly: boolean;
  push: boolean;
  pull: boolean;
  lastPulledAt: string | null;
  removed: boolean;
}

export function toConnectionView(c: SyncConnection, calendars: SyncCalendar[]): ConnectionView {
  return {
    id: c.id,
    staffId: c.staffId,
    provider: c.provider,
    accountEmail: c.accountEmail,
    serverUrl: c.serverUrl,
    status: c.status,
    pushCalendarId: calendars.find((k) => k.push)?.id ?? null,
    pullCalendarIds: calendars.filter((k) => k.pull).map((k) => k.id),
    includeClientNames: c.includeClientNames,
    lastSyncedAt: c.lastSyncedAt?.toISOString() ?? null,
    lastError: c.lastError,
    failureCount: c.failureCount,
    rateLimitedCount: c.rateLimitedCount,
    backoffUntil: c.backoffUntil?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toCalendarView(k: SyncCalendar): CalendarView {
  return {
    id: k.id,
    externalId: k.externalId,
    name: k.name,
    color: k.color,
    timezone: k.timezone,
    readOnly: k.readOnly,
    push: k.push,
    pull: k.pull,
    lastPulledAt: k.lastPulledAt?.toISOString() ?? null,
    removed: k.removedAt !== null,
  };
}
