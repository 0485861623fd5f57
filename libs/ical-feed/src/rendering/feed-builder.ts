import { CALENDAR_END, calendarHead, renderEvent, vtimezoneBlocks } from '@calbridge/icalendar';

/** One VEVENT, as plain data (no HTTP, no database). */
export interface FeedEventInput {
  uid: string;
  sequence: number;
  /** DTSTAMP and LAST-MODIFIED. */
  lastModified: Date;
  created: Date;
  start: Date;
  end: Date;
  /** Start and end are local midnights in `zone`; written as DATE values. */
  allDay: boolean;
  /** IANA zone whose wall clock the event follows (the venue's). */
  zone: string;
  /** Write UTC times instead of TZID + VTIMEZONE (deployment policy). */
  utc: boolean;
  summary: string;
  description: string;
  location: string | null;
  url: string | null;
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  /** Blocks time (TRANSP:OPAQUE) or not (TRANSPARENT). */
  busy: boolean;
}

/** A rendered VEVENT: folded CRLF text (ending in CRLF) as UTF-8 bytes, and the TZID it refers to, if any. */
export interface RenderedEvent {
  bytes: Buffer;
  tzid: string | null;
}

export interface FeedCalendarInput {
  /** "Venue — Staff": NAME and X-WR-CALNAME. */
  name: string;
  /** X-WR-CALDESC. */
  description: string;
  refreshMinutes: number;
}

const PRODID = '-//calbridge//ical-feed//EN';

/**
 * Renders feeds with the shared iCalendar codec (@calbridge/icalendar). Events are rendered one
 * by one (so callers can cache each event's bytes and re-render only what changed) and assembled
 * into a calendar with one VTIMEZONE per zone the events use.
 *
 * The calendar has no METHOD: a subscription is a plain RFC 5545 calendar, not an iTIP message,
 * and with `METHOD:PUBLISH` RFC 5546 would require an ORGANIZER in every event (see the README,
 * "Calendar feeds").
 */
export class FeedBuilder {
  renderEvent(input: FeedEventInput): RenderedEvent {
    const { text, tzid } = renderEvent({
      uid: input.uid,
      sequence: input.sequence,
      stamp: input.lastModified,
      created: input.created,
      lastModified: input.lastModified,
      start: input.start,
      end: input.end,
      allDay: input.allDay,
      zone: input.zone,
      utc: input.utc,
      summary: input.summary,
      description: input.description || null,
      location: input.location,
      url: input.url,
      status: input.status,
      transparent: !input.busy,
      // All-day events also get X-MICROSOFT-CDO-ALLDAYEVENT / X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT
      // from ical-generator: Outlook (and Exchange-based clients) show DATE events as all-day only with them.
    });
    return { bytes: Buffer.from(text, 'utf8'), tzid };
  }

  /**
   * The calendar around already rendered events, as UTF-8 bytes (events are kept as bytes so
   * that assembling a large calendar is a copy, not a re-encoding).
   */
  assemble(calendar: FeedCalendarInput, events: readonly RenderedEvent[]): Buffer {
    const head = calendarHead({
      prodId: PRODID,
      name: calendar.name,
      description: calendar.description,
      refreshMinutes: calendar.refreshMinutes,
    });
    const zones = vtimezoneBlocks(events.map((e) => e.tzid));
    const parts: Buffer[] = [Buffer.from(head + zones, 'utf8')];
    for (const e of events) parts.push(e.bytes);
    parts.push(Buffer.from(CALENDAR_END, 'utf8'));
    return Buffer.concat(parts);
  }
}
