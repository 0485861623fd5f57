import { interpretCalendarObject, InterpretedObject, InterpretOptions, renderCalendar, renderEvent, unfold } from '@calbridge/icalendar';
import type { OutboundEvent } from '../calendar-provider';
import { calbridgeUid, isCalbridgeUid, MARKER_CONNECTION_PROPERTY, MARKER_HASH_PROPERTY, MARKER_JOB_PROPERTY } from './calbridge-marker';

const PRODID = '-//calbridge//calendar sync//EN';

/**
 * One pushed job as a CalDAV calendar object resource (RFC 4791 §4.1): a VCALENDAR without METHOD
 * holding one VEVENT with a calbridge UID and markers, times in the venue's zone (canonical TZID,
 * matching VTIMEZONE with DST rules), all-day jobs as dates. `now` is the DTSTAMP (kept out of
 * the content hash).
 */
export function renderEventResource(event: OutboundEvent, now: Date = new Date()): string {
  const vevent = renderEvent({
    uid: calbridgeUid(event.key),
    sequence: event.sequence,
    stamp: now,
    start: event.startsAt,
    end: event.endsAt,
    allDay: event.allDay,
    zone: event.timezone,
    summary: event.title,
    description: event.description || null,
    location: event.location,
    url: event.url,
    status: event.status === 'confirmed' ? 'CONFIRMED' : event.status === 'tentative' ? 'TENTATIVE' : 'CANCELLED',
    properties: [
      [MARKER_JOB_PROPERTY, event.jobId],
      [MARKER_CONNECTION_PROPERTY, event.connectionId],
      [MARKER_HASH_PROPERTY, event.contentHash],
    ],
  });
  return renderCalendar({ prodId: PRODID }, [vevent]);
}

/** Reads a calendar object resource of the user's calendar: what it blocks, and whether calbridge wrote it. */
export function readEventResource(ics: string, options: Omit<InterpretOptions, 'isOwn'>): InterpretedObject {
  return interpretCalendarObject(ics, { ...options, isOwn: (v) => isCalbridgeUid(v.uid) || v.has(MARKER_JOB_PROPERTY) });
}

/** The content hash marker of an object calbridge wrote (null when absent). */
export function contentHashOf(ics: string): string | null {
  return new RegExp(`^${MARKER_HASH_PROPERTY}:(\\S+)`, 'mi').exec(unfold(ics))?.[1] ?? null;
}
