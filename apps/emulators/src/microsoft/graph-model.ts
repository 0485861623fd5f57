import {
  formatGraphWall,
  instantOf,
  instantToWall,
  isValidZone,
  parseDate,
  parseDateTime,
  wallDate,
  wallIsMidnight,
  wallToFloating,
  wallToInstant,
  type Wall,
} from '../shared/time';
import { graphError, mErrors } from './graph-errors';

/**
 * The Graph v1.0 event resource as the emulator keeps it
 * (https://learn.microsoft.com/graph/api/resources/event): dateTimeTimeZone values with IANA or
 * Windows zone names, patternedRecurrence converted to RFC 5545 rules, all-day rules, showAs,
 * isCancelled, single-value extended properties and transactionId.
 */

type Json = Record<string, unknown>;

/** A few Windows zone names Outlook uses, mapped to IANA (Graph accepts both). */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'tzone://Microsoft/Utc': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'Romance Standard Time': 'Europe/Paris',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Russian Standard Time': 'Europe/Moscow',
  'Israel Standard Time': 'Asia/Jerusalem',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Kolkata',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'W. Australia Standard Time': 'Australia/Perth',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'Eastern Standard Time': 'America/New_York',
  'Atlantic Standard Time': 'America/Halifax',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Buenos_Aires',
};

/** IANA zone for a Graph time-zone label (IANA or a known Windows name), else undefined. */
export function resolveZone(label: string): string | undefined {
  if (WINDOWS_ZONES[label]) return WINDOWS_ZONES[label];
  return isValidZone(label) ? label : undefined;
}

function zoneError(label: string) {
  return graphError(
    400,
    'TimeZoneNotSupportedException',
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${label}'.`,
  );
}

/** A start or end: wall clock in a zone, plus the label the client used for that zone. */
export interface MTime {
  wall: Wall;
  zone: string;
  label: string;
}

export function instantOfTime(time: MTime): number {
  return wallToInstant(time.wall, time.zone);
}

export function parseDateTimeTimeZone(value: unknown, which: string): MTime {
  if (typeof value !== 'object' || value === null) throw mErrors.invalidRequest(`The ${which} property is required.`);
  const v = value as Json;
  const label = typeof v.timeZone === 'string' && v.timeZone ? v.timeZone : 'UTC';
  const zone = resolveZone(label);
  if (!zone) throw zoneError(label);
  if (typeof v.dateTime !== 'string') throw mErrors.invalidRequest(`The ${which}.dateTime property is required.`);
  const parsed = parseDateTime(v.dateTime);
  if (!parsed) throw mErrors.badRequest(`Cannot convert the literal '${v.dateTime}' to the expected type 'Edm.String'.`);
  const wall = parsed.offsetMinutes === undefined ? parsed.wall : instantToWall(instantOf(parsed, zone), zone);
  return { wall, zone, label };
}

export function renderTime(time: MTime, out: { label: string; zone: string }, allDay: boolean): Json {
  // All-day events keep their dates (midnight to midnight) whatever zone the response is in.
  const wall = allDay ? time.wall : instantToWall(instantOfTime(time), out.zone);
  return { dateTime: formatGraphWall(wall), timeZone: out.label };
}

// ------------------------------------------------------------------ recurrence

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RRULE_DAYS: Record<string, string> = {
  sunday: 'SU',
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
};
const INDEX: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };
const PATTERNS = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const RANGES = ['endDate', 'noEnd', 'numbered'];

export interface MRecurrence {
  pattern: {
    type: string;
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: string[];
    firstDayOfWeek: string;
    index: string;
  };
  range: { type: string; startDate: string; endDate: string; recurrenceTimeZone: string; numberOfOccurrences: number };
}

export function parseRecurrence(value: unknown, start: MTime): MRecurrence {
  const invalid = (message: string) => mErrors.invalidRequest(`Recurrence: ${message}`);
  if (typeof value !== 'object' || value === null) throw invalid('a pattern and a range are required.');
  const v = value as Json;
  const p = (v.pattern ?? {}) as Json;
  const r = (v.range ?? {}) as Json;
  if (!PATTERNS.includes(p.type as string)) throw invalid(`unknown pattern type '${String(p.type)}'.`);
  if (!RANGES.includes(r.type as string)) throw invalid(`unknown range type '${String(r.type)}'.`);
  const interval = p.interval === undefined ? 1 : Number(p.interval);
  if (!Number.isInteger(interval) || interval < 1) throw invalid('interval must be a positive integer.');
  const daysOfWeek = Array.isArray(p.daysOfWeek) ? (p.daysOfWeek as unknown[]).map((d) => String(d).toLowerCase()) : [];
  if (daysOfWeek.some((d) => !DAYS.includes(d))) throw invalid('invalid daysOfWeek.');
  const type = p.type as string;
  if ((type === 'weekly' || type.startsWith('relative')) && daysOfWeek.length === 0) throw invalid('daysOfWeek is required for this pattern.');
  const dayOfMonth = Number(p.dayOfMonth ?? 0);
  if (type.startsWith('absolute') && !(dayOfMonth >= 1 && dayOfMonth <= 31)) throw invalid('dayOfMonth is required for this pattern.');
  const month = Number(p.month ?? 0);
  if (type.endsWith('Yearly') && !(month >= 1 && month <= 12)) throw invalid('month is required for this pattern.');
  const index = typeof p.index === 'string' ? p.index : 'first';
  if (INDEX[index] === undefined) throw invalid('invalid index.');
  const startDate = typeof r.startDate === 'string' ? parseDate(r.startDate) : wallDate(start.wall);
  if (!startDate) throw invalid('range.startDate must be a date.');
  let endDate = '0001-01-01';
  let count = 0;
  if (r.type === 'endDate') {
    const parsed = typeof r.endDate === 'string' ? parseDate(r.endDate) : undefined;
    if (!parsed || parsed < startDate) throw invalid('range.endDate must be a date on or after range.startDate.');
    endDate = parsed;
  }
  if (r.type === 'numbered') {
    count = Number(r.numberOfOccurrences);
    if (!Number.isInteger(count) || count < 1) throw invalid('range.numberOfOccurrences must be a positive integer.');
  }
  const firstDayOfWeek = typeof p.firstDayOfWeek === 'string' && DAYS.includes(p.firstDayOfWeek.toLowerCase()) ? p.firstDayOfWeek.toLowerCase() : 'sunday';
  return {
    pattern: { type, interval, month: type.endsWith('Yearly') ? month : 0, dayOfMonth: type.startsWith('absolute') ? dayOfMonth : 0, daysOfWeek, firstDayOfWeek, index },
    range: {
      type: r.type as string,
      startDate,
      endDate,
      recurrenceTimeZone: typeof r.recurrenceTimeZone === 'string' ? r.recurrenceTimeZone : start.label,
      numberOfOccurrences: count,
    },
  };
}

/** RFC 5545 lines for a patternedRecurrence, and the wall clock the series starts from. */
export function recurrenceToRule(rec: MRecurrence, start: MTime): { lines: string[]; dtstart: Wall } {
  const p = rec.pattern;
  const parts = [`INTERVAL=${p.interval}`];
  const byDay = p.daysOfWeek.map((d) => RRULE_DAYS[d]).join(',');
  switch (p.type) {
    case 'daily':
      parts.unshift('FREQ=DAILY');
      break;
    case 'weekly':
      parts.unshift('FREQ=WEEKLY');
      parts.push(`BYDAY=${byDay}`, `WKST=${RRULE_DAYS[p.firstDayOfWeek]}`);
      break;
    case 'absoluteMonthly':
      parts.unshift('FREQ=MONTHLY');
      parts.push(`BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case 'relativeMonthly':
      parts.unshift('FREQ=MONTHLY');
      parts.push(`BYDAY=${byDay}`, `BYSETPOS=${INDEX[p.index]}`);
      break;
    case 'absoluteYearly':
      parts.unshift('FREQ=YEARLY');
      parts.push(`BYMONTH=${p.month}`, `BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case 'relativeYearly':
      parts.unshift('FREQ=YEARLY');
      parts.push(`BYMONTH=${p.month}`, `BYDAY=${byDay}`, `BYSETPOS=${INDEX[p.index]}`);
      break;
  }
  if (rec.range.type === 'endDate') parts.push(`UNTIL=${rec.range.endDate.replace(/-/g, '')}T235959`);
  if (rec.range.type === 'numbered') parts.push(`COUNT=${rec.range.numberOfOccurrences}`);
  const [y, m, d] = rec.range.startDate.split('-').map(Number);
  const dtstart: Wall = { ...start.wall, year: y, month: m, day: d };
  return { lines: [`RRULE:${parts.join(';')}`], dtstart };
}

// ------------------------------------------------------------------ extended properties

const EXTENDED_ID = /^(\w+)\s+(?:(\{[0-9a-fA-F-]{36}\})\s+(Name|Id)\s+(.+)|(0x[0-9a-fA-F]{1,4}))$/;

/** Canonical key of an extended property id: type and GUID case-insensitive, the name case-sensitive. */
export function extendedPropertyKey(id: string): string | undefined {
  const m = EXTENDED_ID.exec(id.trim());
  if (!m) return undefined;
  if (m[5]) return `${m[1].toLowerCase()} ${m[5].toLowerCase()}`;
  return `${m[1].toLowerCase()} ${m[2].toLowerCase()} ${m[3].toLowerCase()} ${m[4]}`;
}

// ------------------------------------------------------------------ event input

export interface MFields {
  subject?: string;
  body?: { contentType: string; content: string };
  showAs?: string;
  isCancelled?: boolean;
  location?: Json;
  locations?: Json[];
  attendees?: Json[];
  categories?: string[];
  sensitivity?: string;
  importance?: string;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  responseRequested?: boolean;
  allowNewTimeProposals?: boolean;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: string;
  hideAttendees?: boolean;
  organizer?: Json;
  responseStatus?: Json;
}

export interface MInput {
  fields: Partial<MFields>;
  start?: MTime;
  end?: MTime;
  isAllDay?: boolean;
  recurrence?: unknown;
  transactionId?: string;
  extendedProperties?: Array<{ id: string; value: string }>;
}

const WRITABLE = new Set([
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'showAs',
  'location',
  'locations',
  'attendees',
  'categories',
  'sensitivity',
  'importance',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'allowNewTimeProposals',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'hideAttendees',
  'recurrence',
  'transactionId',
  'singleValueExtendedProperties',
]);
/** Read-only properties a client may echo back; ignored. */
const READ_ONLY = new Set([
  '@odata.etag',
  '@odata.context',
  '@odata.type',
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'uid',
  'hasAttachments',
  'bodyPreview',
  'isCancelled',
  'isOrganizer',
  'seriesMasterId',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'onlineMeeting',
  'isDraft',
  'responseStatus',
  'organizer',
  'originalStart',
  'occurrenceId',
  'cancelledOccurrences',
  'exceptionOccurrences',
]);
const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const ATTENDEE_TYPES = ['required', 'optional', 'resource'];

/** `asUser`: control helpers may also set organizer, responseStatus and isCancelled. */
export function parseEventInput(body: unknown, { asUser = false }: { asUser?: boolean } = {}): MInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw mErrors.badRequest('Empty Payload. JSON content expected.');
  const b = body as Json;
  const input: MInput = { fields: {} };
  for (const key of Object.keys(b)) {
    if (WRITABLE.has(key) || READ_ONLY.has(key) || key.startsWith('@')) continue;
    throw mErrors.badRequest(`The property '${key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`, 'RequestBodyRead');
  }
  const f = input.fields;
  if ('subject' in b) f.subject = b.subject === null ? '' : String(b.subject);
  if ('body' in b && b.body !== null) {
    const body2 = b.body as Json;
    const contentType = String(body2.contentType ?? 'text').toLowerCase();
    if (contentType !== 'text' && contentType !== 'html') throw mErrors.badRequest('body.contentType must be text or html.');
    f.body = { contentType, content: String(body2.content ?? '') };
  }
  if ('showAs' in b) {
    if (!SHOW_AS.includes(b.showAs as string)) throw mErrors.badRequest(`Requested value '${String(b.showAs)}' was not found.`);
    f.showAs = b.showAs as string;
  }
  if ('location' in b && b.location !== null) f.location = b.location as Json;
  if ('locations' in b && Array.isArray(b.locations)) f.locations = b.locations as Json[];
  if ('attendees' in b && b.attendees !== null) {
    if (!Array.isArray(b.attendees)) throw mErrors.badRequest('attendees must be a collection.');
    f.attendees = (b.attendees as Json[]).map((a) => {
      const email = (a?.emailAddress ?? {}) as Json;
      if (typeof email.address !== 'string' || !email.address.includes('@')) throw mErrors.invalidRequest('An attendee needs emailAddress.address.');
      const type = (a.type as string) ?? 'required';
      if (!ATTENDEE_TYPES.includes(type)) throw mErrors.badRequest(`Requested value '${type}' was not found.`);
      const status = (a.status as Json) ?? { response: 'none', time: '0001-01-01T00:00:00Z' };
      return { type, status, emailAddress: { name: email.name ?? email.address, address: email.address } };
    });
  }
  if ('categories' in b) f.categories = Array.isArray(b.categories) ? (b.categories as unknown[]).map(String) : [];
  for (const key of ['sensitivity', 'importance', 'onlineMeetingProvider'] as const) if (typeof b[key] === 'string') f[key] = b[key] as string;
  for (const key of ['isReminderOn', 'responseRequested', 'allowNewTimeProposals', 'isOnlineMeeting', 'hideAttendees'] as const) {
    if (typeof b[key] === 'boolean') f[key] = b[key] as boolean;
  }
  if (typeof b.reminderMinutesBeforeStart === 'number') f.reminderMinutesBeforeStart = b.reminderMinutesBeforeStart;
  if (asUser) {
    if (typeof b.organizer === 'object' && b.organizer !== null) f.organizer = b.organizer as Json;
    if (typeof b.responseStatus === 'object' && b.responseStatus !== null) f.responseStatus = b.responseStatus as Json;
    if (typeof b.isCancelled === 'boolean') f.isCancelled = b.isCancelled;
  }
  if ('start' in b) input.start = parseDateTimeTimeZone(b.start, 'start');
  if ('end' in b) input.end = parseDateTimeTimeZone(b.end, 'end');
  if ('isAllDay' in b) input.isAllDay = b.isAllDay === true;
  if ('recurrence' in b) input.recurrence = b.recurrence;
  if ('transactionId' in b && b.transactionId !== null) input.transactionId = String(b.transactionId);
  if ('singleValueExtendedProperties' in b) {
    if (!Array.isArray(b.singleValueExtendedProperties)) throw mErrors.badRequest('singleValueExtendedProperties must be a collection.');
    input.extendedProperties = (b.singleValueExtendedProperties as Json[]).map((p) => {
      if (typeof p?.id !== 'string' || !extendedPropertyKey(p.id)) {
        throw mErrors.badRequest(`The extended property id '${String(p?.id)}' is not valid.`, 'ErrorInvalidProperty');
      }
      return { id: p.id, value: p.value === null || p.value === undefined ? '' : String(p.value) };
    });
  }
  return input;
}

/** Graph's all-day rule: both ends at midnight in the event's zone, spanning whole days. */
export function checkTimes(start: MTime, end: MTime, isAllDay: boolean): void {
  if (instantOfTime(end) < instantOfTime(start)) throw mErrors.invalidRequest('The end of the event must not be before its start.');
  if (isAllDay) {
    const wholeDays = (wallToFloating(end.wall) - wallToFloating(start.wall)) % 86_400_000 === 0;
    if (!wallIsMidnight(start.wall) || !wallIsMidnight(end.wall) || !wholeDays || start.zone !== end.zone || wallToFloating(end.wall) <= wallToFloating(start.wall)) {
      throw mErrors.invalidRequest(
        'An all-day event (isAllDay) must start and end at midnight in the same time zone and last whole days (emulator wording).',
      );
    }
  }
}
