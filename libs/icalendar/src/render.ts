import { DateTime } from 'luxon';
import { escapeText, foldLines, paramValue, uriValue, utcDateTime } from './text';
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

/** Renders one VEVENT (times in the zone's canonical TZID, all-day events as dates). */
export function renderEvent(input: VEventInput): RenderedEvent {
  const form = input.allDay || input.utc ? null : zoneForm(input.zone);
  const tzid = form?.kind === 'zoned' ? form.vtimezone.tzid : null;
  const lines = ['BEGIN:VEVENT', `UID:${escapeText(input.uid)}`];
  if (input.sequence !== undefined) lines.push(`SEQUENCE:${Math.max(0, Math.trunc(input.sequence))}`);
  lines.push(`DTSTAMP:${utcDateTime(input.stamp)}`);
  if (input.allDay) {
    const date = (d: Date) => DateTime.fromJSDate(d, { zone: input.zone }).toFormat('yyyyMMdd');
    lines.push(`DTSTART;VALUE=DATE:${date(input.start)}`, `DTEND;VALUE=DATE:${date(input.end)}`);
  } else if (tzid) {
    const local = (d: Date) => DateTime.fromJSDate(d, { zone: input.zone }).toFormat("yyyyMMdd'T'HHmmss");
    lines.push(`DTSTART;TZID=${tzid}:${local(input.start)}`, `DTEND;TZID=${tzid}:${local(input.end)}`);
  } else {
    lines.push(`DTSTART:${utcDateTime(input.start)}`, `DTEND:${utcDateTime(input.end)}`);
  }
  lines.push(`SUMMARY:${escapeText(input.summary)}`, `TRANSP:${input.transparent ? 'TRANSPARENT' : 'OPAQUE'}`);
  if (input.location) lines.push(`LOCATION:${escapeText(input.location)}`);
  if (input.description) lines.push(`DESCRIPTION:${escapeText(input.description)}`);
  if (input.url) lines.push(`URL;VALUE=URI:${uriValue(input.url)}`);
  if (input.status) lines.push(`STATUS:${input.status}`);
  if (input.created) lines.push(`CREATED:${utcDateTime(input.created)}`);
  if (input.lastModified) lines.push(`LAST-MODIFIED:${utcDateTime(input.lastModified)}`);
  if (input.organizer) lines.push(`ORGANIZER${userParams(input.organizer)}:${mailto(input.organizer.email)}`);
  for (const attendee of input.attendees ?? []) {
    let params = userParams(attendee);
    if (attendee.role) params += `;ROLE=${attendee.role}`;
    if (attendee.partstat) params += `;PARTSTAT=${attendee.partstat}`;
    if (attendee.rsvp !== undefined) params += `;RSVP=${attendee.rsvp ? 'TRUE' : 'FALSE'}`;
    lines.push(`ATTENDEE${params}:${mailto(attendee.email)}`);
  }
  for (const [name, value] of input.properties ?? []) {
    if (!PROPERTY_NAME.test(name)) throw new Error(`Invalid iCalendar property name ${JSON.stringify(name)}`);
    lines.push(`${name.toUpperCase()}:${escapeText(value)}`);
  }
  lines.push('END:VEVENT', '');
  return { text: foldLines(lines.join('\r\n')), tzid };
}

/** `BEGIN:VCALENDAR` and the calendar's properties, folded, ending in CRLF. */
export function calendarHead(input: VCalendarInput): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${escapeText(input.prodId)}`, 'CALSCALE:GREGORIAN'];
  if (input.method) lines.push(`METHOD:${input.method}`);
  if (input.name) lines.push(`NAME:${escapeText(input.name)}`, `X-WR-CALNAME:${escapeText(input.name)}`);
  if (input.description) lines.push(`X-WR-CALDESC:${escapeText(input.description)}`);
  if (input.refreshMinutes) {
    const ttl = duration(input.refreshMinutes * 60);
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:${ttl}`, `X-PUBLISHED-TTL:${ttl}`);
  }
  lines.push('');
  return foldLines(lines.join('\r\n'));
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

function userParams(user: CalendarUser): string {
  const name = user.name ? paramValue(user.name) : '';
  return name ? `;CN=${name}` : '';
}

function mailto(email: string): string {
  return `mailto:${uriValue(email.trim())}`;
}

/** Seconds as an RFC 5545 DURATION (`PT1H`, `P1DT30M`). */
export function duration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds) time += `${seconds}S`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
