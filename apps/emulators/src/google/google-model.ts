import type { RRuleSet } from 'rrule';
import { buildRuleSet, RecurrenceError, SeriesStart } from '../shared/recurrence';
import {
  dateToInstant,
  formatRfc3339,
  formatUtcMillis,
  instantOf,
  instantToWall,
  isValidZone,
  parseDate,
  parseDateTime,
  type Wall,
} from '../shared/time';
import { gErrors } from './google-errors';

/**
 * The Calendar v3 event resource as the emulator stores and renders it
 * (https://developers.google.com/calendar/api/v3/reference/events): times with real time-zone
 * semantics, recurrence with instances and exceptions, and only the fields an adapter writes or reads.
 */

/** A stored start/end: an all-day date, or an instant with the zone it was given in (if any). */
export type GTime = { kind: 'date'; date: string } | { kind: 'timed'; instant: number; zone?: string };

export interface GPerson {
  email: string;
  displayName?: string;
  self?: boolean;
}

export interface GAttendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  comment?: string;
  additionalGuests?: number;
  organizer?: boolean;
}

/** Writable fields the emulator keeps verbatim (validated where adapters depend on them). */
export interface GFields {
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  attendees?: GAttendee[];
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  reminders?: { useDefault?: boolean; overrides?: Array<{ method: string; minutes: number }> };
  source?: { title?: string; url?: string };
  conferenceData?: unknown;
  /** Read-only: the Meet link of the event's conference (set by the conference logic, never by a body). */
  hangoutLink?: string;
  guestsCanInviteOthers?: boolean;
  guestsCanModify?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  anyoneCanAddSelf?: boolean;
  endTimeUnspecified?: boolean;
  eventType?: string;
}

const SIMPLE_FIELDS = [
  'summary',
  'description',
  'location',
  'colorId',
  'reminders',
  'source',
  'conferenceData',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'anyoneCanAddSelf',
  'endTimeUnspecified',
] as const;

export interface GEventRecord {
  id: string;
  calendarId: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /** Deleted (as opposed to a cancelled instance of a live series). */
  deleted: boolean;
  start: GTime;
  end: GTime;
  recurrence?: string[];
  recurringEventId?: string;
  originalStart?: GTime;
  fields: GFields;
  organizer: GPerson;
  creator: GPerson;
  iCalUID: string;
  sequence: number;
  created: number;
  updated: number;
  /** Position in the calendar's change sequence (sync tokens compare against it). */
  seq: number;
  etag: string;
  /** Rule set cache (rebuilt when start or recurrence change). */
  rules?: RRuleSet;
}

/** Parsed, validated writable input (for insert/update, or the changed part of a patch). */
export interface GInput {
  id?: string;
  iCalUID?: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  start?: GTime;
  end?: GTime;
  recurrence?: string[] | null;
  fields: Partial<Record<keyof GFields, unknown>>;
  /** Fields explicitly set to null (patch semantics: clear them). */
  cleared: Set<string>;
  organizer?: GPerson;
}

export const BASE32HEX_ID = /^[a-v0-9]{5,1024}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an event body. `requireTimes`: insert/update need start and end; patch does not. */
export function parseEventInput(body: unknown, { requireTimes }: { requireTimes: boolean }): GInput {
  if (!isObject(body)) throw gErrors.badRequest('Request body must be a JSON object.');
  const input: GInput = { fields: {}, cleared: new Set() };
  if (body.id !== undefined && body.id !== null) {
    if (typeof body.id !== 'string' || !BASE32HEX_ID.test(body.id)) throw gErrors.invalid('Invalid resource id value.');
    input.id = body.id;
  }
  if (typeof body.iCalUID === 'string') input.iCalUID = body.iCalUID;
  if (body.status !== undefined && body.status !== null) {
    if (body.status !== 'confirmed' && body.status !== 'tentative' && body.status !== 'cancelled') {
      throw gErrors.invalid('Invalid value for: status');
    }
    input.status = body.status;
  }
  for (const name of SIMPLE_FIELDS) {
    if (!(name in body)) continue;
    if (body[name] === null) input.cleared.add(name);
    else input.fields[name] = body[name];
  }
  if ('transparency' in body) {
    if (body.transparency === null) input.cleared.add('transparency');
    else if (body.transparency !== 'opaque' && body.transparency !== 'transparent') {
      throw gErrors.invalid('Invalid value for: transparency');
    } else input.fields.transparency = body.transparency;
  }
  if ('visibility' in body) {
    if (body.visibility === null) input.cleared.add('visibility');
    else if (!['default', 'public', 'private', 'confidential'].includes(body.visibility as string)) {
      throw gErrors.invalid('Invalid value for: visibility');
    } else input.fields.visibility = body.visibility;
  }
  if ('eventType' in body && body.eventType !== null && body.eventType !== undefined) {
    input.fields.eventType = body.eventType;
  }
  if ('attendees' in body) {
    if (body.attendees === null) input.cleared.add('attendees');
    else input.fields.attendees = parseAttendees(body.attendees);
  }
  if ('extendedProperties' in body) {
    if (body.extendedProperties === null) input.cleared.add('extendedProperties');
    else input.fields.extendedProperties = parseExtendedProperties(body.extendedProperties);
  }
  if ('recurrence' in body) {
    if (body.recurrence === null) input.recurrence = null;
    else if (!Array.isArray(body.recurrence) || body.recurrence.some((l) => typeof l !== 'string')) {
      throw gErrors.invalid('Invalid recurrence rule.');
    } else input.recurrence = body.recurrence as string[];
  }
  if (isObject(body.organizer) && typeof body.organizer.email === 'string') {
    input.organizer = { email: body.organizer.email, displayName: body.organizer.displayName as string | undefined };
  }
  if (body.start !== undefined && body.start !== null) input.start = parseTime(body.start, 'start');
  if (body.end !== undefined && body.end !== null) input.end = parseTime(body.end, 'end');
  if (requireTimes) {
    if (!input.start) throw gErrors.required('Missing start time.');
    if (!input.end) throw gErrors.required('Missing end time.');
  }
  return input;
}

function parseTime(value: unknown, which: 'start' | 'end'): GTime {
  if (!isObject(value)) throw gErrors.invalid(`Invalid ${which} time.`);
  const zone = value.timeZone;
  if (zone !== undefined && zone !== null && (typeof zone !== 'string' || !isValidZone(zone))) {
    throw gErrors.invalid(`Invalid time zone definition for ${which} time.`);
  }
  const hasDate = typeof value.date === 'string' && value.date !== '';
  const hasDateTime = typeof value.dateTime === 'string' && value.dateTime !== '';
  if (hasDate === hasDateTime) throw gErrors.invalid(`Invalid ${which} time.`);
  if (hasDate) {
    const date = parseDate(value.date as string);
    if (!date) throw gErrors.invalid(`Invalid ${which} time.`);
    return { kind: 'date', date };
  }
  const parsed = parseDateTime(value.dateTime as string);
  if (!parsed) throw gErrors.invalid(`Invalid ${which} time.`);
  const given = typeof zone === 'string' ? zone : undefined;
  if (parsed.offsetMinutes === undefined && !given) throw gErrors.required(`Missing time zone definition for ${which} time.`);
  return { kind: 'timed', instant: instantOf(parsed, given ?? 'UTC'), zone: given };
}

function parseAttendees(value: unknown): GAttendee[] {
  if (!Array.isArray(value)) throw gErrors.invalid('Invalid attendee list.');
  return value.map((a) => {
    if (!isObject(a) || typeof a.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(a.email)) {
      throw gErrors.invalid('Invalid attendee email.');
    }
    const status = a.responseStatus ?? 'needsAction';
    if (!['needsAction', 'declined', 'tentative', 'accepted'].includes(status as string)) {
      throw gErrors.invalid('Invalid value for: responseStatus');
    }
    const out: GAttendee = { email: a.email, responseStatus: status as GAttendee['responseStatus'] };
    if (typeof a.displayName === 'string') out.displayName = a.displayName;
    if (typeof a.optional === 'boolean') out.optional = a.optional;
    if (typeof a.resource === 'boolean') out.resource = a.resource;
    if (typeof a.comment === 'string') out.comment = a.comment;
    if (typeof a.additionalGuests === 'number') out.additionalGuests = a.additionalGuests;
    return out;
  });
}

function parseExtendedProperties(value: unknown): Record<string, Record<string, string | null>> {
  if (!isObject(value)) throw gErrors.invalid('Invalid extended properties.');
  const out: Record<string, Record<string, string | null>> = {};
  for (const scope of ['private', 'shared'] as const) {
    const map = value[scope];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) throw gErrors.invalid(`Invalid ${scope} extended properties.`);
    const entries: Record<string, string | null> = {};
    for (const [key, v] of Object.entries(map)) {
      if (v === null) {
        entries[key] = null; // removes the key on patch
        continue;
      }
      if (typeof v !== 'string') throw gErrors.invalid(`Extended property ${key} must be a string.`);
      if (key.length > 44 || v.length > 1024) throw gErrors.invalid(`Extended property ${key} is too long.`);
      entries[key] = v;
    }
    out[scope] = entries;
  }
  return out;
}

/** Merges a patch into stored fields: objects merge recursively, arrays are replaced, null clears. */
export function mergePatch(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = mergePatch(out[key] as Json, value);
    else out[key] = value;
  }
  return out;
}

/** The zone a timed series is expanded in, or the calendar zone for all-day series. */
export function seriesStart(record: GEventRecord, calendarZone: string): SeriesStart {
  if (record.start.kind === 'date') return { kind: 'date', date: record.start.date };
  const zone = record.start.zone ?? calendarZone;
  return { kind: 'timed', wall: instantToWall(record.start.instant, zone), zone };
}

export function ruleSetOf(record: GEventRecord, calendarZone: string): RRuleSet {
  if (!record.rules) {
    try {
      record.rules = buildRuleSet(record.recurrence ?? [], seriesStart(record, calendarZone));
    } catch (error) {
      if (error instanceof RecurrenceError) throw gErrors.invalid('Invalid recurrence rule.');
      throw error;
    }
  }
  return record.rules;
}

/** Validates times together: same kind, non-negative range, zones for recurring events. */
export function checkTimes(start: GTime, end: GTime, recurrence: string[] | undefined, calendarZone: string): void {
  if (start.kind !== end.kind) throw gErrors.invalid('Start and end times must either both be date or both be dateTime.');
  if (toInstant(end, calendarZone) < toInstant(start, calendarZone)) throw gErrors.timeRangeEmpty();
  if (recurrence && recurrence.length > 0) {
    if (start.kind === 'timed' && !start.zone) throw gErrors.required('Missing time zone definition for start time.');
    if (end.kind === 'timed' && !end.zone) throw gErrors.required('Missing time zone definition for end time.');
    try {
      buildRuleSet(recurrence, start.kind === 'date' ? { kind: 'date', date: start.date } : {
        kind: 'timed',
        wall: instantToWall(start.instant, start.zone ?? calendarZone),
        zone: start.zone ?? calendarZone,
      });
    } catch (error) {
      if (error instanceof RecurrenceError) throw gErrors.invalid('Invalid recurrence rule.');
      throw error;
    }
  }
}

export function toInstant(time: GTime, calendarZone: string): number {
  return time.kind === 'date' ? dateToInstant(time.date, calendarZone) : time.instant;
}

export function renderTime(time: GTime, outZone: string | undefined, calendarZone: string): Json {
  if (time.kind === 'date') return { date: time.date };
  const out: Json = { dateTime: formatRfc3339(time.instant, outZone ?? time.zone ?? calendarZone) };
  if (time.zone) out.timeZone = time.zone;
  return out;
}

/** `<id>_<YYYYMMDD>` (all-day) or `<id>_<YYYYMMDDTHHMMSSZ>` (timed, original start in UTC). */
export function instanceId(masterId: string, original: GTime): string {
  if (original.kind === 'date') return `${masterId}_${original.date.replace(/-/g, '')}`;
  const w = instantToWall(original.instant, 'UTC');
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${masterId}_${p(w.year, 4)}${p(w.month)}${p(w.day)}T${p(w.hour)}${p(w.minute)}${p(w.second)}Z`;
}

/** Splits an instance id into master id and original start, without checking the series. */
export function parseInstanceId(id: string): { masterId: string; original: GTime } | undefined {
  const m = /^(.+)_(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(id);
  if (!m) return undefined;
  if (m[5] === undefined) return { masterId: m[1], original: { kind: 'date', date: `${m[2]}-${m[3]}-${m[4]}` } };
  const wall: Wall = {
    year: Number(m[2]),
    month: Number(m[3]),
    day: Number(m[4]),
    hour: Number(m[5]),
    minute: Number(m[6]),
    second: Number(m[7]),
    millisecond: 0,
  };
  return {
    masterId: m[1],
    original: { kind: 'timed', instant: Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) },
  };
}

export interface RenderContext {
  calendarZone: string;
  /** The `timeZone` list parameter (output zone for dateTime values). */
  outZone?: string;
  accountEmail: string;
  htmlBase: string;
}

/** The full resource. */
export function renderEvent(record: GEventRecord, rc: RenderContext): Json {
  const out: Json = {
    kind: 'calendar#event',
    etag: record.etag,
    id: record.id,
    status: record.status,
    htmlLink: `${rc.htmlBase}/calendar/event?eid=${Buffer.from(`${record.id} ${record.calendarId}`).toString('base64url')}`,
    created: formatUtcMillis(record.created),
    updated: formatUtcMillis(record.updated),
  };
  const f = record.fields;
  for (const name of ['summary', 'description', 'location', 'colorId'] as const) {
    if (f[name] !== undefined) out[name] = f[name];
  }
  out.creator = personOut(record.creator, rc.accountEmail);
  out.organizer = personOut(record.organizer, rc.accountEmail);
  out.start = renderTime(record.start, rc.outZone, rc.calendarZone);
  out.end = renderTime(record.end, rc.outZone, rc.calendarZone);
  if (f.endTimeUnspecified) out.endTimeUnspecified = true;
  if (record.recurrence && record.recurrence.length > 0) out.recurrence = [...record.recurrence];
  if (record.recurringEventId) {
    out.recurringEventId = record.recurringEventId;
    if (record.originalStart) out.originalStartTime = renderTime(record.originalStart, rc.outZone, rc.calendarZone);
  }
  // Google omits transparency when it is opaque (the default).
  if (f.transparency === 'transparent') out.transparency = 'transparent';
  if (f.visibility && f.visibility !== 'default') out.visibility = f.visibility;
  out.iCalUID = record.iCalUID;
  out.sequence = record.sequence;
  if (f.attendees && f.attendees.length > 0) {
    out.attendees = f.attendees.map((a) => {
      const attendee: Json = { ...a };
      if (a.email.toLowerCase() === rc.accountEmail.toLowerCase()) attendee.self = true;
      if (a.email.toLowerCase() === record.organizer.email.toLowerCase()) attendee.organizer = true;
      return attendee;
    });
  }
  for (const name of ['guestsCanInviteOthers', 'guestsCanModify', 'guestsCanSeeOtherGuests', 'anyoneCanAddSelf'] as const) {
    if (f[name] !== undefined) out[name] = f[name];
  }
  if (f.extendedProperties) out.extendedProperties = structuredClone(f.extendedProperties);
  if (f.source) out.source = f.source;
  if (f.conferenceData) out.conferenceData = structuredClone(f.conferenceData);
  if (f.hangoutLink) out.hangoutLink = f.hangoutLink;
  out.reminders = f.reminders ?? { useDefault: true };
  out.eventType = f.eventType ?? 'default';
  return out;
}

/**
 * What an incremental sync (or showDeleted) returns for a cancelled entry: deleted events carry
 * only their id ("Deleted events are only guaranteed to have the id field populated"); cancelled
 * instances of a live series carry id, recurringEventId and originalStartTime.
 */
export function renderTombstone(record: GEventRecord, rc: RenderContext): Json {
  const out: Json = { kind: 'calendar#event', etag: record.etag, id: record.id, status: 'cancelled' };
  if (record.recurringEventId && record.originalStart) {
    out.recurringEventId = record.recurringEventId;
    out.originalStartTime = renderTime(record.originalStart, rc.outZone, rc.calendarZone);
  }
  return out;
}

function personOut(person: GPerson, accountEmail: string): Json {
  const out: Json = { email: person.email };
  if (person.displayName) out.displayName = person.displayName;
  if (person.self || person.email.toLowerCase() === accountEmail.toLowerCase()) out.self = true;
  return out;
}
