import type { RRuleSet } from 'rrule';
import type { Clock } from '../shared/clock';
import { digest, randomToken, uuid } from '../shared/ids';
import { buildRuleSet, expand, RecurrenceError } from '../shared/recurrence';
import {
  floatingToWall,
  formatGraphUtc,
  instantToWall,
  isValidZone,
  wallToFloating,
  wallToInstant,
} from '../shared/time';
import { mErrors } from './graph-errors';
import { applyOnlineMeeting, DEFAULT_ONLINE_MEETING_PROVIDERS, OnlineMeeting, renderOnlineMeeting } from './graph-online-meetings';
import {
  checkTimes,
  extendedPropertyKey,
  instantOfTime,
  MFields,
  MInput,
  MRecurrence,
  MTime,
  parseRecurrence,
  recurrenceToRule,
  renderTime,
} from './graph-model';

/**
 * In-memory Outlook mailboxes for the Graph emulator: calendars, events (single instances, series
 * masters, exceptions, tombstones), REST and immutable ids, occurrence ids, transactionId
 * de-duplication and a per-mailbox change sequence for delta and notifications.
 */

type Json = Record<string, unknown>;

export interface Mailbox {
  email: string;
  displayName: string;
  id: string;
  defaultCalendarId: string;
  seq: number;
}

export interface MCalendar {
  id: string;
  name: string;
  mailbox: string;
  isDefault: boolean;
  color: string;
  hexColor: string;
  changeKey: string;
  /** Online meeting providers the calendar supports (default: Teams). */
  allowedOnlineMeetingProviders: string[];
}

export interface MEventRecord {
  /** Internal key; also the immutable id. */
  key: string;
  restId: string;
  mailbox: string;
  calendarId: string;
  type: 'singleInstance' | 'seriesMaster' | 'exception';
  seriesMasterKey?: string;
  /** Exceptions: original start of the occurrence they replace (instant). */
  originalStart?: number;
  start: MTime;
  end: MTime;
  isAllDay: boolean;
  recurrence?: MRecurrence;
  fields: MFields;
  transactionId?: string;
  extended: Map<string, { id: string; value: string }>;
  iCalUId: string;
  created: number;
  modified: number;
  changeKey: string;
  version: number;
  seq: number;
  deleted: boolean;
  /** Masters: original starts of deleted occurrences. */
  cancelledOccurrences: Set<number>;
  rules?: RRuleSet;
  /** Set once the event became an online meeting. */
  onlineMeeting?: OnlineMeeting;
}

export type ChangeType = 'created' | 'updated' | 'deleted';

/** A row of a calendar view: a single instance, an exception, or an occurrence of a series. */
export interface ViewInstance {
  /** Stable across rounds (`<masterKey>@<originalStart>` for occurrences and exceptions). */
  viewKey: string;
  /** Changes whenever the row's content does. */
  version: string;
  record: MEventRecord;
  occurrence?: { master: MEventRecord; originalStart: number };
  startMs: number;
  endMs: number;
}

export interface RenderOptions {
  immutableIds: boolean;
  /** `Prefer: outlook.timezone` label and its IANA zone (UTC when absent). */
  out: { label: string; zone: string };
  publicUrl: string;
}

export interface GraphStoreOptions {
  clock: Clock;
  maxInstancesPerSeries: number;
}

export class GraphStore {
  readonly mailboxes = new Map<string, Mailbox>();
  readonly calendars = new Map<string, MCalendar>();
  readonly events = new Map<string, MEventRecord>();
  private readonly byRestId = new Map<string, string>();
  private readonly occurrenceIds = new Map<string, { masterKey: string; originalStart: number }>();
  private readonly transactions = new Map<string, string>();
  /** Called after each change (drives subscriptions). */
  onChange: (mailbox: Mailbox, record: MEventRecord, change: ChangeType) => void = () => undefined;

  constructor(private readonly options: GraphStoreOptions) {}

  // ---------------------------------------------------------------- mailboxes and calendars

  addMailbox(input: { email: string; displayName?: string; timeZone?: string }): Mailbox {
    const key = input.email.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const mailbox: Mailbox = {
      email: input.email,
      displayName: input.displayName ?? defaultName(input.email),
      id: uuid(),
      defaultCalendarId: '',
      seq: 0,
    };
    this.mailboxes.set(key, mailbox);
    mailbox.defaultCalendarId = this.addCalendar(mailbox.email, { name: 'Calendar', isDefault: true }).id;
    return mailbox;
  }

  mailbox(email: string): Mailbox | undefined {
    return this.mailboxes.get(email.toLowerCase());
  }

  addCalendar(owner: string, input: { name: string; isDefault?: boolean }): MCalendar {
    const mailbox = this.mailbox(owner);
    if (!mailbox) throw new Error(`Unknown mailbox ${owner}`);
    const calendar: MCalendar = {
      id: `AAMkAGI${randomToken(30)}AAA=`,
      name: input.name,
      mailbox: mailbox.email.toLowerCase(),
      isDefault: input.isDefault ?? false,
      color: input.isDefault ? 'auto' : 'lightBlue',
      hexColor: input.isDefault ? '' : '#a6d1f5',
      changeKey: randomToken(12),
      allowedOnlineMeetingProviders: [...DEFAULT_ONLINE_MEETING_PROVIDERS],
    };
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  calendarsOf(mailbox: string): MCalendar[] {
    return [...this.calendars.values()].filter((c) => c.mailbox === mailbox.toLowerCase());
  }

  /** A calendar of the caller's mailbox (`undefined` id: the default calendar), else 404. */
  resolveCalendar(mailbox: Mailbox, calendarId: string | undefined): MCalendar {
    const calendar = this.calendars.get(calendarId ?? mailbox.defaultCalendarId);
    if (!calendar || calendar.mailbox !== mailbox.email.toLowerCase()) throw mErrors.notFound();
    return calendar;
  }

  renderCalendar(calendar: MCalendar): Json {
    const mailbox = this.mailbox(calendar.mailbox);
    return {
      id: calendar.id,
      name: calendar.name,
      color: calendar.color,
      hexColor: calendar.hexColor,
      isDefaultCalendar: calendar.isDefault,
      changeKey: calendar.changeKey,
      canShare: true,
      canViewPrivateItems: true,
      canEdit: true,
      allowedOnlineMeetingProviders: calendar.allowedOnlineMeetingProviders,
      defaultOnlineMeetingProvider: calendar.allowedOnlineMeetingProviders[0] ?? 'unknown',
      isTallyingResponses: true,
      isRemovable: !calendar.isDefault,
      owner: { name: mailbox?.displayName, address: mailbox?.email },
    };
  }

  // ---------------------------------------------------------------- lookups

  /** A stored event by REST or immutable id, or an occurrence by its id. */
  find(mailbox: Mailbox, id: string): { record: MEventRecord; occurrence?: { master: MEventRecord; originalStart: number } } | undefined {
    const key = this.events.has(id) ? id : this.byRestId.get(id);
    const record = key ? this.events.get(key) : undefined;
    if (record) {
      if (record.mailbox !== mailbox.email.toLowerCase() || record.deleted) return undefined;
      return { record };
    }
    const occurrence = this.occurrenceIds.get(id);
    if (!occurrence) return undefined;
    const master = this.events.get(occurrence.masterKey);
    if (!master || master.deleted || master.mailbox !== mailbox.email.toLowerCase()) return undefined;
    const exceptionKey = this.exceptionKey(master, occurrence.originalStart);
    const exception = this.events.get(exceptionKey);
    if (exception) return exception.deleted ? undefined : { record: exception };
    if (master.cancelledOccurrences.has(occurrence.originalStart)) return undefined;
    if (!this.occurrenceStarts(master, occurrence.originalStart, occurrence.originalStart + 1).length) return undefined;
    return { record: master, occurrence: { master, originalStart: occurrence.originalStart } };
  }

  findByTransactionId(mailbox: Mailbox, transactionId: string): MEventRecord | undefined {
    const key = this.transactions.get(`${mailbox.email.toLowerCase()}\n${transactionId}`);
    const record = key ? this.events.get(key) : undefined;
    return record && !record.deleted ? record : undefined;
  }

  /** Events of a calendar (or mailbox) as `/events` lists them: single instances and series masters. */
  listEvents(mailbox: Mailbox, calendar?: MCalendar): MEventRecord[] {
    return [...this.events.values()].filter(
      (r) =>
        !r.deleted &&
        r.mailbox === mailbox.email.toLowerCase() &&
        r.type !== 'exception' &&
        (!calendar || r.calendarId === calendar.id),
    );
  }

  // ---------------------------------------------------------------- writes

  create(mailbox: Mailbox, calendar: MCalendar, input: MInput, { asUser = false }: { asUser?: boolean } = {}): { record: MEventRecord; created: boolean } {
    if (input.transactionId) {
      // transactionId: "the server … avoid redundant POST operations in case of client retries".
      const existing = this.findByTransactionId(mailbox, input.transactionId);
      if (existing) return { record: existing, created: false };
    }
    if (!input.start) throw mErrors.invalidRequest("The 'start' property is required.");
    if (!input.end) throw mErrors.invalidRequest("The 'end' property is required.");
    const isAllDay = input.isAllDay ?? false;
    checkTimes(input.start, input.end, isAllDay);
    const recurrence = input.recurrence ? parseRecurrence(input.recurrence, input.start) : undefined;
    const now = this.options.clock();
    const key = `AAkALg${randomToken(33)}AAA=`;
    const fields: MFields = {
      subject: '',
      showAs: 'busy',
      sensitivity: 'normal',
      importance: 'normal',
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      responseRequested: true,
      allowNewTimeProposals: true,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      hideAttendees: false,
      isCancelled: false,
      categories: [],
      attendees: [],
      ...input.fields,
    };
    if (!asUser || !fields.organizer) fields.organizer = { emailAddress: { name: mailbox.displayName, address: mailbox.email } };
    const record: MEventRecord = {
      key,
      restId: `AAMkAD${randomToken(33)}AAA=`,
      mailbox: mailbox.email.toLowerCase(),
      calendarId: calendar.id,
      type: recurrence ? 'seriesMaster' : 'singleInstance',
      start: input.start,
      end: input.end,
      isAllDay,
      recurrence,
      fields,
      transactionId: input.transactionId,
      extended: new Map(),
      iCalUId: `040000008200E00074C5B7101A82E00800000000${digest(key, 32)}`,
      created: now,
      modified: now,
      changeKey: '',
      version: 0,
      seq: 0,
      deleted: false,
      cancelledOccurrences: new Set(),
    };
    for (const p of input.extendedProperties ?? []) record.extended.set(extendedPropertyKey(p.id) as string, p);
    if (recurrence) this.ruleSet(record);
    applyOnlineMeeting(calendar, record);
    this.events.set(key, record);
    this.byRestId.set(record.restId, key);
    if (input.transactionId) this.transactions.set(`${record.mailbox}\n${input.transactionId}`, key);
    this.touch(mailbox, record, 'created');
    return { record, created: true };
  }

  /** PATCH: provided properties replace stored ones; an occurrence id turns the occurrence into an exception. */
  update(mailbox: Mailbox, id: string, input: MInput, { ifMatch, asUser = false }: { ifMatch?: string; asUser?: boolean } = {}): MEventRecord {
    const found = this.find(mailbox, id);
    if (!found) throw mErrors.notFound();
    const target = found.occurrence ? found.occurrence.master : found.record;
    if (ifMatch && ifMatch.trim() !== '*' && !ifMatch.includes(target.changeKey)) throw mErrors.preconditionFailed();
    if (input.transactionId !== undefined && input.transactionId !== found.record.transactionId) {
      throw mErrors.invalidRequest('The transactionId of an event cannot be changed.');
    }
    const record = found.occurrence ? this.materialize(found.occurrence.master, found.occurrence.originalStart) : found.record;
    const start = input.start ?? record.start;
    const end = input.end ?? record.end;
    const isAllDay = input.isAllDay ?? record.isAllDay;
    checkTimes(start, end, isAllDay);
    if (input.recurrence !== undefined && record.type !== 'exception') {
      if (input.recurrence === null) {
        record.recurrence = undefined;
        record.type = 'singleInstance';
      } else {
        record.recurrence = parseRecurrence(input.recurrence, start);
        record.type = 'seriesMaster';
      }
    }
    record.start = start;
    record.end = end;
    record.isAllDay = isAllDay;
    const fields = { ...input.fields };
    if (!asUser) {
      delete fields.organizer;
      delete fields.responseStatus;
      delete fields.isCancelled;
    }
    record.fields = { ...record.fields, ...fields };
    const calendar = this.calendars.get(record.calendarId);
    if (calendar) applyOnlineMeeting(calendar, record);
    for (const p of input.extendedProperties ?? []) record.extended.set(extendedPropertyKey(p.id) as string, p);
    record.rules = undefined;
    if (record.type === 'seriesMaster') this.ruleSet(record);
    this.touch(mailbox, record, 'updated');
    return record;
  }

  delete(mailbox: Mailbox, id: string): MEventRecord {
    const found = this.find(mailbox, id);
    if (!found) throw mErrors.notFound();
    if (found.occurrence) {
      const { master, originalStart } = found.occurrence;
      master.cancelledOccurrences.add(originalStart);
      this.touch(mailbox, master, 'updated');
      return master;
    }
    const record = found.record;
    record.deleted = true;
    if (record.type === 'exception' && record.seriesMasterKey && record.originalStart !== undefined) {
      const master = this.events.get(record.seriesMasterKey);
      master?.cancelledOccurrences.add(record.originalStart);
    }
    if (record.type === 'seriesMaster') {
      for (const exception of this.exceptionsOf(record)) {
        exception.deleted = true;
        this.touch(mailbox, exception, 'deleted', { silent: true });
      }
    }
    this.touch(mailbox, record, 'deleted');
    return record;
  }

  /** The user drags an event to another calendar in Outlook: the REST id changes, the immutable id does not. */
  move(mailbox: Mailbox, id: string, targetCalendar: MCalendar): MEventRecord {
    const found = this.find(mailbox, id);
    if (!found || found.occurrence || found.record.type === 'exception') throw mErrors.notFound();
    const record = found.record;
    const moved = [record, ...this.exceptionsOf(record)];
    for (const r of moved) {
      this.byRestId.delete(r.restId);
      r.restId = `AAMkAD${randomToken(33)}AAA=`;
      this.byRestId.set(r.restId, r.key);
      r.calendarId = targetCalendar.id;
    }
    for (const r of moved.slice(1)) this.touch(mailbox, r, 'updated', { silent: true });
    this.touch(mailbox, record, 'updated');
    return record;
  }

  // ---------------------------------------------------------------- calendar view

  /** Rows of a calendar view overlapping [from, to): single instances, occurrences, exceptions. */
  view(calendar: MCalendar, from: number, to: number): ViewInstance[] {
    const rows: ViewInstance[] = [];
    for (const record of this.events.values()) {
      if (record.deleted || record.calendarId !== calendar.id) continue;
      if (record.type === 'singleInstance' || record.type === 'exception') {
        const startMs = instantOfTime(record.start);
        const endMs = instantOfTime(record.end);
        if (!(endMs > from && startMs < to) && !(startMs === endMs && startMs >= from && startMs < to)) continue;
        const master = record.seriesMasterKey ? this.events.get(record.seriesMasterKey) : undefined;
        if (record.type === 'exception' && (!master || master.deleted)) continue;
        rows.push({
          viewKey: record.type === 'exception' ? `${record.seriesMasterKey}@${record.originalStart}` : record.key,
          version: `e${record.version}`,
          record,
          startMs,
          endMs,
        });
        continue;
      }
      // Series master: its occurrences (the master itself is not part of a calendar view).
      const duration = instantOfTime(record.end) - instantOfTime(record.start);
      for (const originalStart of this.occurrenceStarts(record, from - duration, to)) {
        if (record.cancelledOccurrences.has(originalStart)) continue;
        if (this.events.has(this.exceptionKey(record, originalStart))) continue;
        const { startMs, endMs } = this.occurrenceTimes(record, originalStart);
        if (!(endMs > from && startMs < to)) continue;
        this.registerOccurrence(record, originalStart);
        rows.push({
          viewKey: `${record.key}@${originalStart}`,
          version: `m${record.version}`,
          record,
          occurrence: { master: record, originalStart },
          startMs,
          endMs,
        });
      }
    }
    return rows.sort((a, b) => a.startMs - b.startMs || a.viewKey.localeCompare(b.viewKey));
  }

  /** Occurrences and exceptions of one series in [from, to) (`/events/{id}/instances`). */
  instances(master: MEventRecord, from: number, to: number): ViewInstance[] {
    const calendar = this.calendars.get(master.calendarId);
    if (!calendar) return [];
    return this.view(calendar, from, to).filter((row) => row.record === master || row.record.seriesMasterKey === master.key);
  }

  renderedId(record: MEventRecord, immutable: boolean): string {
    return immutable ? record.key : record.restId;
  }

  occurrenceId(master: MEventRecord, originalStart: number, immutable: boolean): string {
    return immutable ? `AAkALgOcc${digest(`${master.key}@${originalStart}`, 40)}=` : `AAMkADOcc${digest(`${master.restId}@${originalStart}`, 40)}=`;
  }

  rowId(row: ViewInstance, immutable: boolean): string {
    return row.occurrence ? this.occurrenceId(row.occurrence.master, row.occurrence.originalStart, immutable) : this.renderedId(row.record, immutable);
  }

  /** The event resource (an occurrence when `occurrence` is given). */
  render(record: MEventRecord, ro: RenderOptions, occurrence?: { master: MEventRecord; originalStart: number }): Json {
    const f = record.fields;
    const master = occurrence?.master ?? (record.seriesMasterKey ? this.events.get(record.seriesMasterKey) : undefined);
    let start = record.start;
    let end = record.end;
    if (occurrence) {
      const times = this.occurrenceTimes(record, occurrence.originalStart);
      start = times.start;
      end = times.end;
    }
    const id = occurrence ? this.occurrenceId(occurrence.master, occurrence.originalStart, ro.immutableIds) : this.renderedId(record, ro.immutableIds);
    const type = occurrence ? 'occurrence' : record.type;
    const mailbox = this.mailbox(record.mailbox);
    const isOrganizer = String((f.organizer?.emailAddress as Json | undefined)?.address ?? '').toLowerCase() === record.mailbox;
    const body = f.body ?? { contentType: 'text', content: '' };
    const out: Json = {
      '@odata.etag': `W/"${record.changeKey}"`,
      id,
      createdDateTime: formatGraphUtc(record.created),
      lastModifiedDateTime: formatGraphUtc(record.modified),
      changeKey: record.changeKey,
      categories: f.categories ?? [],
      transactionId: occurrence ? null : (record.transactionId ?? null),
      originalStartTimeZone: record.start.label,
      originalEndTimeZone: record.end.label,
      iCalUId: occurrence ? `040000008200E00074C5B7101A82E00807${digest(`${record.key}@${occurrence.originalStart}`, 30)}` : record.iCalUId,
      uid: (master ?? record).iCalUId,
      reminderMinutesBeforeStart: f.reminderMinutesBeforeStart ?? 15,
      isReminderOn: f.isReminderOn ?? true,
      hasAttachments: false,
      subject: f.isCancelled && !isOrganizer && f.subject && !f.subject.startsWith('Canceled:') ? `Canceled: ${f.subject}` : (f.subject ?? ''),
      bodyPreview: body.content.replace(/<[^>]*>/g, '').slice(0, 255),
      importance: f.importance ?? 'normal',
      sensitivity: f.sensitivity ?? 'normal',
      isAllDay: record.isAllDay,
      isCancelled: f.isCancelled ?? false,
      isOrganizer,
      responseRequested: f.responseRequested ?? true,
      seriesMasterId: master ? this.renderedId(master, ro.immutableIds) : null,
      showAs: f.showAs ?? 'busy',
      type,
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: f.isOnlineMeeting ?? false,
      onlineMeetingProvider: f.onlineMeetingProvider ?? 'unknown',
      allowNewTimeProposals: f.allowNewTimeProposals ?? true,
      isDraft: false,
      hideAttendees: f.hideAttendees ?? false,
      responseStatus: f.responseStatus ?? {
        response: isOrganizer ? 'organizer' : 'notResponded',
        time: '0001-01-01T00:00:00Z',
      },
      body,
      start: renderTime(start, ro.out, record.isAllDay),
      end: renderTime(end, ro.out, record.isAllDay),
      location: f.location ?? { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} },
      locations: f.locations ?? (f.location ? [f.location] : []),
      recurrence: record.type === 'seriesMaster' && !occurrence ? record.recurrence : null,
      attendees: f.attendees ?? [],
      organizer: f.organizer ?? { emailAddress: { name: mailbox?.displayName, address: mailbox?.email } },
      onlineMeeting: renderOnlineMeeting(occurrence?.master ?? record),
    };
    if (occurrence || record.type === 'exception') {
      out.originalStart = new Date(occurrence?.originalStart ?? record.originalStart ?? 0).toISOString().replace('.000Z', 'Z');
    }
    return out;
  }

  /** Extended properties whose id matches one of `ids` (for `$expand=singleValueExtendedProperties($filter=…)`). */
  extendedProperties(record: MEventRecord, ids: string[]): Array<{ id: string; value: string }> {
    const keys = new Set(ids.map((id) => extendedPropertyKey(id)).filter((k): k is string => Boolean(k)));
    return [...record.extended.entries()].filter(([k]) => keys.has(k)).map(([, p]) => ({ ...p }));
  }

  // ---------------------------------------------------------------- internals

  private exceptionKey(master: MEventRecord, originalStart: number): string {
    return this.occurrenceId(master, originalStart, true);
  }

  private exceptionsOf(master: MEventRecord): MEventRecord[] {
    return [...this.events.values()].filter((r) => r.seriesMasterKey === master.key);
  }

  private materialize(master: MEventRecord, originalStart: number): MEventRecord {
    const times = this.occurrenceTimes(master, originalStart);
    const now = this.options.clock();
    const record: MEventRecord = {
      ...master,
      key: this.exceptionKey(master, originalStart),
      restId: this.occurrenceId(master, originalStart, false),
      type: 'exception',
      seriesMasterKey: master.key,
      originalStart,
      start: times.start,
      end: times.end,
      recurrence: undefined,
      fields: structuredClone(master.fields),
      transactionId: undefined,
      extended: new Map(master.extended),
      created: now,
      cancelledOccurrences: new Set(),
      rules: undefined,
    };
    this.events.set(record.key, record);
    this.byRestId.set(record.restId, record.key);
    return record;
  }

  private ruleSet(master: MEventRecord): RRuleSet {
    if (!master.rules) {
      const { lines, dtstart } = recurrenceToRule(master.recurrence as MRecurrence, master.start);
      try {
        master.rules = buildRuleSet(lines, { kind: 'timed', wall: dtstart, zone: master.start.zone }, { includeStart: false });
      } catch (error) {
        if (error instanceof RecurrenceError) throw mErrors.invalidRequest(`Recurrence: ${error.message}`);
        throw error;
      }
    }
    return master.rules;
  }

  /** Original starts (instants) of a series' occurrences in [from, to). */
  private occurrenceStarts(master: MEventRecord, from: number, to: number): number[] {
    const zone = isValidZone(master.start.zone) ? master.start.zone : 'UTC';
    const { dtstart } = recurrenceToRule(master.recurrence as MRecurrence, master.start);
    return expand(this.ruleSet(master), { kind: 'timed', wall: dtstart, zone }, from, to, {
      dateZone: zone,
      limit: this.options.maxInstancesPerSeries,
    }).map((o) => o.startMs);
  }

  private occurrenceTimes(master: MEventRecord, originalStart: number): { start: MTime; end: MTime; startMs: number; endMs: number } {
    const zone = master.start.zone;
    const startWall = instantToWall(originalStart, zone);
    const wallDuration = wallToFloating(master.end.wall) - wallToFloating(master.start.wall);
    const endWall = floatingToWall(wallToFloating(startWall) + wallDuration);
    const start: MTime = { ...master.start, wall: startWall };
    const end: MTime = { ...master.end, wall: endWall, zone };
    return { start, end, startMs: originalStart, endMs: wallToInstant(endWall, zone) };
  }

  private registerOccurrence(master: MEventRecord, originalStart: number): void {
    for (const immutable of [true, false]) {
      this.occurrenceIds.set(this.occurrenceId(master, originalStart, immutable), { masterKey: master.key, originalStart });
    }
  }

  private touch(mailbox: Mailbox, record: MEventRecord, change: ChangeType, { silent = false }: { silent?: boolean } = {}): void {
    mailbox.seq += 1;
    record.seq = mailbox.seq;
    record.version += 1;
    record.modified = this.options.clock();
    record.changeKey = randomToken(18);
    if (!silent) this.onChange(mailbox, record, change);
  }
}

function defaultName(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local.charAt(0).toUpperCase() + local.slice(1);
}
