import {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendar,
  ICalCalendarMethod,
  ICalEvent,
  ICalEventStatus,
  ICalEventTransparency,
} from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';
import { escapeText, foldLines, uriValue } from './text';
import { vtimezoneFor, zoneForm } from './time-zones';

/** A calendar user (RFC 5545 CAL-ADDRESS): written as `mailto:` with an optional CN. */
export interface CalendarUser {
  email: string;
  name?: string | null;
}

export type ParticipationStatus = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'DELEGATED';

export interface Attendee extends CalendarUser {
  /** PARTSTAT (default NEEDS-ACTION is not written). */
  partstat?: ParticipationStatus;
  /** RSVP=TRUE: the organizer asks for a reply. */
  rsvp?: boolean;
  role?: 'CHAIR' | 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'NON-PARTICIPANT';
}

/** One VEVENT, as plain data. */
export interface VEventInput {
  uid: string;
  sequence?: number;
  /** DTSTAMP. */
  stamp: Date;
  created?: Date | null;
  lastModified?: Date | null;
  start: Date;
  end: Date;
  /** Start and end are local midnights in `zone`: written as DATE values. */
  allDay?: boolean;
  /** IANA zone (aliases allowed) whose wall clock the event follows. */
  zone: string;
  /** Write UTC times instead of TZID + VTIMEZONE. */
  utc?: boolean;
  summary: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  status?: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED' | null;
  /** TRANSP:TRANSPARENT (does not block time); default OPAQUE. */
  transparent?: boolean;
  organizer?: CalendarUser | null;
  attendees?: readonly Attendee[];
  /** Further properties, e.g. `['X-CALBRIDGE-JOB', id]`: name as written, value TEXT-escaped. */
  properties?: ReadonlyArray<readonly [string, string]>;
}

/** A rendered VEVENT: folded CRLF text ending in CRLF, and the TZID it refers to (its VTIMEZONE goes in the calendar). */
export interface RenderedEvent {
  text: string;
  tzid: string | null;
}

export type CalendarMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL' | 'REPLY';

export interface VCalendarInput {
  /** The whole PRODID value, e.g. `-//calbridge//ical-feed//EN`. */
  prodId: string;
  /** iTIP method (RFC 5546); none for a plain calendar (a subscription, a CalDAV object resource). */
  method?: CalendarMethod | null;
  /** NAME and X-WR-CALNAME. */
  name?: string | null;
  /** X-WR-CALDESC. */
  description?: string | null;
  /** REFRESH-INTERVAL and X-PUBLISHED-TTL, for subscriptions. */
  refreshMinutes?: number | null;
}

const PROPERTY_NAME = /^[A-Za-z0-9-]+$/;
export const CALENDAR_END = 'END:VCALENDAR\r\n';

/**
 * ical-generator formats DTSTAMP, CREATED and LAST-MODIFIED in its calendar's zone: events are
 * built against this calendar, which has none (so they come out in UTC, `…Z`).
 */
const UTC_CALENDAR = new ICalCalendar();

/**
 * Renders one VEVENT through ical-generator (times in the zone's canonical TZID, all-day events as
 * dates), folded by the codec. Zone-aware values: luxon DateTimes in the canonical zone (a plain
 * Date would be written in the process's zone), so aliases (`US/Eastern`) name the zone their
 * VTIMEZONE declares (`America/New_York`).
 */
export function renderEvent(input: VEventInput): RenderedEvent {
  const form = input.allDay || input.utc ? null : zoneForm(input.zone);
  const tzid = form?.kind === 'zoned' ? form.vtimezone.tzid : null;
  // (A Zone object spares luxon a validation of the zone's name per value: feeds render thousands.)
  const zone = tzid ? IANAZone.create(tzid) : input.zone;
  const at = (d: Date) => (input.allDay || tzid ? DateTime.fromJSDate(d, { zone }) : d);
  for (const [name] of input.properties ?? []) {
    if (!PROPERTY_NAME.test(name)) throw new Error(`Invalid iCalendar property name ${JSON.stringify(name)}`);
  }
  const event = new ICalEvent(
    {
      id: escapeText(input.uid),
      sequence: Math.max(0, Math.trunc(input.sequence ?? 0)),
      stamp: input.stamp,
      start: at(input.start),
      end: at(input.end),
      allDay: input.allDay ?? false,
      timezone: tzid,
      summary: input.summary,
      transparency: input.transparent ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
      location: input.location || null,
      description: input.description || null,
      url: input.url ? uriForGenerator(input.url) : null,
      status: (input.status as ICalEventStatus | null | undefined) ?? null,
      created: input.created ?? null,
      lastModified: input.lastModified ?? null,
      organizer: input.organizer ? { name: userName(input.organizer), email: address(input.organizer.email) } : null,
      attendees: (input.attendees ?? [])
        .filter((a) => address(a.email))
        .map((a) => ({
          email: address(a.email),
          name: a.name ? paramText(a.name) || undefined : undefined,
          role: (a.role as ICalAttendeeRole | undefined) ?? ICalAttendeeRole.REQ,
          status: a.partstat as ICalAttendeeStatus | undefined,
          rsvp: a.rsvp,
        })),
      x: (input.properties ?? []).map(([name, value]) => [name, value] as [string, string]),
    },
    UTC_CALENDAR,
  );
  return { text: foldLines(event.toString()), tzid };
}

/**
 * `BEGIN:VCALENDAR` and the calendar's properties (ical-generator's calendar without events),
 * ending in CRLF. It is given no zone, so it writes no non-standard `TIMEZONE-ID`/`X-WR-TIMEZONE`.
 */
export function calendarHead(input: VCalendarInput): string {
  const calendar = new ICalCalendar({
    prodId: escapeText(input.prodId).replace(/^-/, ''),
    scale: 'GREGORIAN',
    method: (input.method as ICalCalendarMethod | null | undefined) ?? null,
    // ical-generator writes these two as given: TEXT-escaped here.
    name: input.name ? escapeText(input.name) : null,
    description: input.description ? escapeText(input.description) : null,
    ttl: input.refreshMinutes ? input.refreshMinutes * 60 : null,
  });
  return calendar.toString().slice(0, -'END:VCALENDAR'.length);
}

/** One VTIMEZONE per TZID (sorted), each ending in CRLF: what the rendered events refer to. */
export function vtimezoneBlocks(tzids: Iterable<string | null>): string {
  const unique = new Set<string>();
  for (const tzid of tzids) if (tzid) unique.add(tzid);
  let out = '';
  for (const tzid of [...unique].sort()) {
    const vtz = vtimezoneFor(tzid);
    if (!vtz) throw new Error(`No VTIMEZONE for ${tzid}`);
    out += `${vtz.block}\r\n`;
  }
  return out;
}

/** A whole VCALENDAR: head, the VTIMEZONEs the events use, the events. */
export function renderCalendar(calendar: VCalendarInput, events: readonly RenderedEvent[]): string {
  return calendarHead(calendar) + vtimezoneBlocks(events.map((e) => e.tzid)) + events.map((e) => e.text).join('') + CALENDAR_END;
}

/**
 * A parameter's text (CN): ical-generator quotes it and backslash-escapes `"`, which RFC 5545
 * parameters cannot carry, so double quotes and control characters are dropped first.
 */
function paramText(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return value.replace(/["\x00-\x08\x0a-\x1f\x7f]/g, '').trim();
}

/** ical-generator always writes a CN: the name, or the address when there is none. */
function userName(user: CalendarUser): string {
  return (user.name ? paramText(user.name) : '') || address(user.email);
}

function address(email: string): string {
  return uriValue(email.trim());
}

/**
 * ical-generator TEXT-escapes the URL (`,` and `;` would gain a backslash a URI cannot have):
 * they are written percent-encoded instead, after control characters are removed.
 */
function uriForGenerator(url: string): string {
  return uriValue(url).replace(/,/g, '%2C').replace(/;/g, '%3B');
}
