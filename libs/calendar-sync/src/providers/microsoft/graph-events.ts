import { DateTime, IANAZone } from 'luxon';
import type { BusyInstance, MeetingOutcome, OutboundEvent, RemoteEvent } from '../calendar-provider';
import { isEventKey } from '../event-key';

/** A Graph event resource, as far as calbridge reads it (https://learn.microsoft.com/graph/api/resources/event). */
export interface GraphEvent {
  id: string;
  '@odata.etag'?: string;
  '@removed'?: { reason?: string };
  changeKey?: string;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  transactionId?: string | null;
  subject?: string;
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  responseStatus?: { response?: string };
  start?: { dateTime?: string; timeZone?: string };
  end?: { dateTime?: string; timeZone?: string };
  createdDateTime?: string;
  location?: { displayName?: string };
  isOnlineMeeting?: boolean;
  onlineMeeting?: { joinUrl?: string | null } | null;
}

/**
 * calbridge's property set for single-value extended properties (a GUID of its own, named
 * properties): they mark the events calbridge pushed, per connection and per job key.
 */
const PROPERTY_SET = '{5f0c2f61-86a4-4d3e-9a36-6c0f2d7b1a5e}';
export const GRAPH_MARKER = {
  key: `String ${PROPERTY_SET} Name calbridgeKey`,
  connection: `String ${PROPERTY_SET} Name calbridgeConnection`,
  job: `String ${PROPERTY_SET} Name calbridgeJob`,
} as const;

/** Outlook's free/busy states that leave the time free. */
const NOT_BLOCKING = new Set(['free', 'workingelsewhere']);

export interface GraphReadOptions {
  window: { from: Date; to: Date };
  /** All-day events block whole days in this zone: the calendar's, else the staff member's. */
  zone: string;
}

/**
 * One delta round's rows: each row (a single event, an occurrence or an exception of a series —
 * calendarView delta expands series) is one remote object; `@removed` rows are deletions. A row
 * listed twice in a round counts as its last appearance.
 */
export function interpretGraphDelta(rows: GraphEvent[], options: GraphReadOptions): { upserts: RemoteEvent[]; deletions: string[] } {
  const last = new Map<string, GraphEvent>();
  for (const row of rows) {
    if (!row?.id) continue;
    last.delete(row.id);
    last.set(row.id, row);
  }
  const upserts: RemoteEvent[] = [];
  const deletions: string[] = [];
  for (const row of last.values()) {
    if (row['@removed']) deletions.push(row.id);
    else if (row.type !== 'seriesMaster') upserts.push(interpretGraphEvent(row, options));
  }
  return { upserts, deletions };
}

/**
 * Our own events are recognised by their `transactionId` (the engine's event key): delta
 * cannot `$expand` extended properties, and Graph returns a transactionId only when an app set it.
 */
export function interpretGraphEvent(row: GraphEvent, options: GraphReadOptions): RemoteEvent {
  const ours = isEventKey(row.transactionId);
  const busy = ours ? null : busyOf(row, options);
  return { externalId: row.id, etag: row['@odata.etag'] ?? row.changeKey ?? null, ours, busy: busy ? [busy] : [] };
}

/**
 * The interval a row blocks, or null: cancelled (`isCancelled`), free or working elsewhere
 * (`showAs`), declined by the mailbox owner, or outside the window. All-day rows span whole days
 * (their dates are midnight to midnight) in the calendar's zone.
 */
function busyOf(row: GraphEvent, options: GraphReadOptions): BusyInstance | null {
  if (row.isCancelled || NOT_BLOCKING.has((row.showAs ?? '').toLowerCase())) return null;
  if ((row.responseStatus?.response ?? '').toLowerCase() === 'declined') return null;
  const allDay = row.isAllDay === true;
  const startsAt = allDay ? dayStart(row.start?.dateTime, options.zone) : instant(row.start);
  const endsAt = allDay ? dayStart(row.end?.dateTime, options.zone) : instant(row.end);
  if (!startsAt || !endsAt || endsAt <= startsAt) return null;
  if (endsAt <= options.window.from || startsAt >= options.window.to) return null;
  return { instanceKey: '', startsAt, endsAt, allDay };
}

/** `dateTimeTimeZone`: a wall time (7 fractional digits) in a zone; calbridge asks for UTC (`Prefer: outlook.timezone`). */
function instant(value: { dateTime?: string; timeZone?: string } | undefined): Date | null {
  if (!value?.dateTime) return null;
  const zone = value.timeZone && IANAZone.isValidZone(value.timeZone) ? value.timeZone : 'UTC';
  const at = DateTime.fromISO(value.dateTime, { zone });
  return at.isValid ? at.toJSDate() : null;
}

function dayStart(dateTime: string | undefined, zone: string): Date | null {
  if (!dateTime) return null;
  const day = DateTime.fromISO(dateTime.slice(0, 10), { zone });
  return day.isValid ? day.startOf('day').toJSDate() : null;
}

/**
 * The Graph event a job becomes. Times in UTC (all-day jobs as whole days: midnight to midnight
 * of the venue's dates, as Graph requires for `isAllDay`); a tentative job shows as tentative;
 * a job kept "cancelled" (SYNC_PUSH_CANCELLED=mark) stays visible but free. On create, the
 * engine's key is the `transactionId` (a retried create returns the event instead of a
 * duplicate) and the marker properties are set.
 */
export function toGraphEvent(event: OutboundEvent, create: boolean): Record<string, unknown> {
  const cancelled = event.status === 'cancelled';
  const body: Record<string, unknown> = {
    subject: cancelled ? `Cancelled: ${event.title}` : event.title,
    body: { contentType: 'text', content: event.description },
    location: { displayName: event.location ?? '' },
    isAllDay: event.allDay,
    start: timeOf(event, event.startsAt),
    end: timeOf(event, event.endsAt),
    showAs: cancelled ? 'free' : event.status === 'tentative' ? 'tentative' : 'busy',
    isReminderOn: false,
  };
  // Asked for while the job has no link; afterwards omitted (an online meeting stays one).
  if (event.conference?.provider === 'teams') Object.assign(body, { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
  if (create) {
    body.transactionId = event.key;
    body.singleValueExtendedProperties = [
      { id: GRAPH_MARKER.key, value: event.key },
      { id: GRAPH_MARKER.connection, value: event.connectionId },
      { id: GRAPH_MARKER.job, value: event.jobId },
    ];
  }
  return body;
}

function timeOf(event: OutboundEvent, at: Date): { dateTime: string; timeZone: string } {
  if (event.allDay) return { dateTime: `${DateTime.fromJSDate(at, { zone: event.timezone }).toISODate()}T00:00:00`, timeZone: 'UTC' };
  return { dateTime: at.toISOString().replace(/Z$/, ''), timeZone: 'UTC' };
}

/**
 * Whether Graph's answer to a create shows the event calbridge sent: title, times, all-day flag
 * and free/busy. Used to tell a fresh event from an older one a retried `transactionId` returned.
 */
export function echoesEvent(created: GraphEvent, sent: Record<string, unknown>): boolean {
  const start = sent.start as { dateTime: string };
  const end = sent.end as { dateTime: string };
  const same = (a: { dateTime?: string } | undefined, b: { dateTime: string }) => !!a?.dateTime && Date.parse(`${a.dateTime.slice(0, 19)}Z`) === Date.parse(`${b.dateTime.slice(0, 19)}Z`);
  return (
    created.subject === sent.subject &&
    Boolean(created.isAllDay) === Boolean(sent.isAllDay) &&
    (created.showAs ?? '').toLowerCase() === String(sent.showAs).toLowerCase() &&
    same(created.start, start) &&
    same(created.end, end)
  );
}

/** What became of the event's Teams meeting request. */
export function graphMeetingOf(event: GraphEvent): MeetingOutcome {
  const url = event.onlineMeeting?.joinUrl;
  if (url && /^https:\/\//.test(url)) return { status: 'created', url };
  return {
    status: 'unavailable',
    reason: 'Outlook created the event without a Teams meeting (isOnlineMeeting false): the account or calendar does not offer Teams meetings',
  };
}

/** A calendar whose `allowedOnlineMeetingProviders` is known and lacks Teams: the reason not to ask. */
export function teamsUnavailableReason(allowed: unknown): string | null {
  if (!Array.isArray(allowed) || allowed.includes('teamsForBusiness')) return null;
  return `The Outlook calendar does not offer Teams meetings (allowedOnlineMeetingProviders: ${allowed.length ? allowed.join(', ') : 'none'})`;
}
