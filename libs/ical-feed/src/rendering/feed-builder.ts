import ical, { ICalCalendar, ICalCalendarMethod, ICalEvent, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { foldLines } from './fold-lines';
import { vtimezoneFor } from './vtimezone';

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

const PRODID = { company: 'calbridge', product: 'ical-feed', language: 'EN' };
const UTC_ZONES = /^(?:Etc\/)?(?:UTC|UCT|GMT|Universal|Zulu|Greenwich)$/;

/**
 * Renders feeds with ical-generator. Events are rendered one by one (so callers can cache each
 * event's text and re-render only what changed) and assembled into a calendar with one
 * VTIMEZONE per zone the events use.
 *
 * Dates go to ical-generator as luxon DateTimes in the event's zone: plain JS Dates would be
 * formatted in the process's zone. The calendar gets no ical-generator time zone: that would
 * add a non-standard TIMEZONE-ID line (which libical rejects); each timed event carries its
 * own TZID instead, and the VTIMEZONEs are added here from timezones-ical-library.
 */
export class FeedBuilder {
  private readonly scratch: ICalCalendar = ical();

  renderEvent(input: FeedEventInput): RenderedEvent {
    const vtz = input.allDay || input.utc ? null : vtimezoneFor(input.zone);
    const tzid = vtz && !UTC_ZONES.test(vtz.tzid) ? vtz.tzid : null;
    const local = (d: Date) => DateTime.fromJSDate(d, { zone: input.zone });
    const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
    const event = new ICalEvent(
      {
        id: input.uid,
        sequence: input.sequence,
        stamp: utc(input.lastModified),
        created: utc(input.created),
        lastModified: utc(input.lastModified),
        allDay: input.allDay,
        start: input.allDay || tzid ? local(input.start) : utc(input.start),
        end: input.allDay || tzid ? local(input.end) : utc(input.end),
        timezone: tzid,
        summary: input.summary,
        description: input.description || null,
        location: input.location,
        // ical-generator text-escapes URL values; keep "," and ";" out of them.
        url: input.url ? input.url.replace(/,/g, '%2C').replace(/;/g, '%3B') : null,
        status: STATUS[input.status],
        transparency: input.busy ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
      },
      this.scratch,
    );
    return { bytes: Buffer.from(foldLines(event.toString()), 'utf8'), tzid };
  }

  /**
   * The calendar around already rendered events, as UTF-8 bytes (events are kept as bytes so
   * that assembling a large calendar is a copy, not a re-encoding).
   */
  assemble(calendar: FeedCalendarInput, events: readonly RenderedEvent[]): Buffer {
    const head = ical({
      prodId: PRODID,
      // ical-generator writes these two verbatim: escape them here (RFC 5545 §3.3.11).
      name: escapeText(calendar.name),
      description: escapeText(calendar.description),
      method: ICalCalendarMethod.PUBLISH,
      scale: 'gregorian',
      ttl: calendar.refreshMinutes * 60,
    }).toString();
    const end = 'END:VCALENDAR';
    let top = head.slice(0, head.lastIndexOf(end));
    const tzids = new Set<string>();
    for (const e of events) if (e.tzid) tzids.add(e.tzid);
    for (const tzid of [...tzids].sort()) top += `${vtimezoneFor(tzid)!.block}\r\n`;
    const parts: Buffer[] = [Buffer.from(top, 'utf8')];
    for (const e of events) parts.push(e.bytes);
    parts.push(Buffer.from(`${end}\r\n`, 'utf8'));
    return Buffer.concat(parts);
  }
}

/** TEXT value escaping: backslash, semicolon, comma, newline. */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

const STATUS: Record<FeedEventInput['status'], ICalEventStatus> = {
  CONFIRMED: ICalEventStatus.CONFIRMED,
  TENTATIVE: ICalEventStatus.TENTATIVE,
  CANCELLED: ICalEventStatus.CANCELLED,
};
