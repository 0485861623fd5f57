import type { calendar_v3 } from 'googleapis';
import { DateTime } from 'luxon';
import type { BusyInstance, MeetingOutcome, OutboundEvent, RemoteEvent } from '../calendar-provider';

type GoogleEvent = calendar_v3.Schema$Event;

/**
 * How calbridge marks the events it pushes into Google Calendar (no loops): private extended
 * properties, visible to calbridge's OAuth client only.
 */
export const GOOGLE_MARKER = {
  key: 'calbridgeKey',
  job: 'calbridgeJob',
  connection: 'calbridgeConnection',
  /** Content hash: a retry that finds its own event already there adopts it without rewriting. */
  hash: 'calbridgeHash',
} as const;

export interface GoogleReadOptions {
  window: { from: Date; to: Date };
  /** All-day events (dates without a zone) block whole days in this zone: the calendar's, else the staff member's. */
  zone: string;
}

/** What one listing (a full one, or the changes since a sync token) says, sorted by kind. */
export interface GoogleListing {
  /** Non-recurring events that are not cancelled. */
  singles: GoogleEvent[];
  /** Instances of recurring events (`singleEvents=true`) by series id, cancelled ones included. */
  series: Map<string, GoogleEvent[]>;
  /** Cancelled events without a series: deleted single events or whole deleted series. */
  deleted: string[];
}

/**
 * Sorts listed items. Recurring events are listed as instances (`singleEvents=true`); calbridge
 * keeps one remote object per series (its id), holding every instance as a blocked slot.
 */
export function sortGoogleItems(items: GoogleEvent[]): GoogleListing {
  const listing: GoogleListing = { singles: [], series: new Map(), deleted: [] };
  for (const item of items) {
    if (!item.id) continue;
    if (item.recurringEventId) {
      listing.series.set(item.recurringEventId, [...(listing.series.get(item.recurringEventId) ?? []), item]);
    } else if (item.status === 'cancelled') {
      listing.deleted.push(item.id);
    } else {
      listing.singles.push(item);
    }
  }
  return listing;
}

/** A non-recurring event as calbridge keeps it. */
export function interpretGoogleEvent(event: GoogleEvent, options: GoogleReadOptions): RemoteEvent {
  const ours = isOurs(event);
  const busy = ours ? null : busyOf(event, '', options);
  return { externalId: event.id!, etag: event.etag ?? null, ours, busy: busy ? [busy] : [] };
}

/** A recurring event from all of its instances inside the window (one blocked slot per blocking instance). */
export function interpretGoogleSeries(seriesId: string, instances: GoogleEvent[], options: GoogleReadOptions): RemoteEvent {
  const ours = instances.some(isOurs);
  const busy: BusyInstance[] = [];
  if (!ours) {
    for (const instance of instances) {
      const found = busyOf(instance, instanceKeyOf(instance), options);
      if (found) busy.push(found);
    }
  }
  return { externalId: seriesId, etag: null, ours, busy };
}

function isOurs(event: GoogleEvent): boolean {
  return typeof event.extendedProperties?.private?.[GOOGLE_MARKER.key] === 'string';
}

/**
 * The interval an event blocks, or null: cancelled, free (`transparency: transparent`),
 * declined by the calendar's owner, or outside the window. All-day events span whole days
 * (the end date is exclusive) in the calendar's zone.
 */
function busyOf(event: GoogleEvent, instanceKey: string, options: GoogleReadOptions): BusyInstance | null {
  if (event.status === 'cancelled' || event.transparency === 'transparent') return null;
  if (event.attendees?.some((a) => a.self && a.responseStatus === 'declined')) return null;
  const allDay = Boolean(event.start?.date);
  const startsAt = allDay ? dayStart(event.start!.date!, options.zone) : instant(event.start?.dateTime);
  const endsAt = allDay ? dayStart(event.end?.date ?? event.start!.date!, options.zone, event.end?.date ? 0 : 1) : instant(event.end?.dateTime);
  if (!startsAt || !endsAt || endsAt <= startsAt) return null;
  if (endsAt <= options.window.from || startsAt >= options.window.to) return null;
  return { instanceKey, startsAt, endsAt, allDay };
}

/** Stable per instance: its original start (UTC instant, or the date of an all-day series). */
function instanceKeyOf(instance: GoogleEvent): string {
  const original = instance.originalStartTime;
  if (original?.dateTime) return new Date(original.dateTime).toISOString();
  if (original?.date) return original.date;
  return instance.id ?? '';
}

function instant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function dayStart(date: string, zone: string, plusDays = 0): Date | null {
  const day = DateTime.fromISO(date, { zone });
  return day.isValid ? day.plus({ days: plusDays }).startOf('day').toJSDate() : null;
}

/**
 * The Google event a job becomes: the engine's key as the event id (base32hex, so a retried
 * insert answers 409 instead of duplicating), times in the venue's zone (all-day jobs as dates),
 * our marker in private extended properties. A job kept "cancelled" (SYNC_PUSH_CANCELLED=mark)
 * shows as such and stops blocking time (Google's own `cancelled` status would delete it).
 */
export function toGoogleEvent(event: OutboundEvent): GoogleEvent {
  const cancelled = event.status === 'cancelled';
  return {
    id: event.key,
    summary: cancelled ? `Cancelled: ${event.title}` : event.title,
    description: event.description,
    location: event.location ?? undefined,
    start: timeOf(event, event.startsAt),
    end: timeOf(event, event.endsAt),
    status: event.status === 'tentative' ? 'tentative' : 'confirmed',
    transparency: cancelled ? 'transparent' : 'opaque',
    source: event.url && /^https?:\/\//.test(event.url) ? { title: 'calbridge', url: event.url } : undefined,
    extendedProperties: {
      private: {
        [GOOGLE_MARKER.key]: event.key,
        [GOOGLE_MARKER.job]: event.jobId,
        [GOOGLE_MARKER.connection]: event.connectionId,
        [GOOGLE_MARKER.hash]: event.contentHash,
      },
    },
    // Sent with conferenceDataVersion=1 (only then): the request id is the event key, so a
    // repeated write is the same request, which Google ignores.
    ...(event.conference?.provider === 'google_meet'
      ? { conferenceData: { createRequest: { requestId: event.conference.requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } } }
      : {}),
  };
}

/** What became of the event's conference request (`createRequest.status.statusCode`). */
export function googleMeetingOf(event: GoogleEvent): MeetingOutcome {
  const data = event.conferenceData;
  const status = data?.createRequest?.status?.statusCode;
  const video = data?.entryPoints?.find((e) => e.entryPointType === 'video')?.uri ?? event.hangoutLink ?? null;
  if (video && /^https:\/\//.test(video) && (status === 'success' || status === undefined)) return { status: 'created', url: video };
  if (status === 'pending') return { status: 'pending' };
  if (status === 'failure') return { status: 'unavailable', reason: 'Google Calendar could not create a Google Meet conference for this account (createRequest status "failure")' };
  return { status: 'unavailable', reason: 'Google Calendar answered without conference data' };
}

function timeOf(event: OutboundEvent, at: Date): calendar_v3.Schema$EventDateTime {
  const local = DateTime.fromJSDate(at, { zone: event.timezone });
  if (event.allDay) return { date: local.toISODate()! };
  return { dateTime: local.toISO({ suppressMilliseconds: true })!, timeZone: event.timezone };
}

/** Whether a listed event is the calbridge event holding `contentHash` (a retry may adopt it). */
export function carriesContent(event: GoogleEvent, contentHash: string): boolean {
  return event.status !== 'cancelled' && event.extendedProperties?.private?.[GOOGLE_MARKER.hash] === contentHash;
}
