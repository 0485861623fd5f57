import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { OutboundEvent } from '../providers/calendar-provider';
import { calbridgeUid, MARKER_CONNECTION_PROPERTY, MARKER_HASH_PROPERTY, MARKER_JOB_PROPERTY } from './calbridge-marker';

const PRODID = '-//calbridge//calendar sync//EN';

/**
 * One pushed job as an iCalendar object resource (RFC 5545 / RFC 4791 4.1): one VEVENT with a
 * calbridge UID and markers, times in the venue's zone with a matching VTIMEZONE (DST rules),
 * all-day jobs as dates. `now` is the DTSTAMP (kept out of the content hash).
 */
export function renderEventIcs(event: OutboundEvent, now: Date = new Date()): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN'];
  const vtimezone = event.allDay ? undefined : vtimezoneFor(event.timezone);
  if (vtimezone) lines.push(...vtimezone.split(/\r?\n/).filter(Boolean));
  lines.push(
    'BEGIN:VEVENT',
    `UID:${calbridgeUid(event.key)}`,
    `DTSTAMP:${utcStamp(now)}`,
    `SEQUENCE:${event.sequence}`,
    ...times(event, vtimezone !== undefined),
    `SUMMARY:${escapeText(event.title)}`,
  );
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.url) lines.push(`URL;VALUE=URI:${event.url}`);
  lines.push(
    `STATUS:${event.status.toUpperCase()}`,
    'TRANSP:OPAQUE',
    `${MARKER_JOB_PROPERTY}:${event.jobId}`,
    `${MARKER_CONNECTION_PROPERTY}:${event.connectionId}`,
    `${MARKER_HASH_PROPERTY}:${event.contentHash}`,
    'END:VEVENT',
    'END:VCALENDAR',
  );
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

function times(event: OutboundEvent, zoned: boolean): string[] {
  if (event.allDay) {
    const date = (d: Date) => DateTime.fromJSDate(d, { zone: event.timezone }).toFormat('yyyyMMdd');
    return [`DTSTART;VALUE=DATE:${date(event.startsAt)}`, `DTEND;VALUE=DATE:${date(event.endsAt)}`];
  }
  if (!zoned) return [`DTSTART:${utcStamp(event.startsAt)}`, `DTEND:${utcStamp(event.endsAt)}`];
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: event.timezone }).toFormat("yyyyMMdd'T'HHmmss");
  return [`DTSTART;TZID=${event.timezone}:${local(event.startsAt)}`, `DTEND;TZID=${event.timezone}:${local(event.endsAt)}`];
}

function vtimezoneFor(zone: string): string | undefined {
  if (zone === 'UTC' || zone === 'Etc/UTC') return undefined;
  try {
    const block = tzlib_get_ical_block(zone);
    const text = Array.isArray(block) ? block[0] : undefined;
    return text && text.startsWith('BEGIN:VTIMEZONE') ? text : undefined;
  } catch {
    return undefined;
  }
}

export function utcStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT escaping (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1). */
export function fold(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  const limit = () => (parts.length === 0 ? 75 : 74); // continuation lines start with a space
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > limit()) {
      parts.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
