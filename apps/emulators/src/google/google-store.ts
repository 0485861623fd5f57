import type { Clock } from '../shared/clock';
import { base32hexId, randomToken } from '../shared/ids';
import { expand, hasOccurrence, lastOccurrenceFloating } from '../shared/recurrence';
import {
  addDays,
  dateToFloating,
  floatingToDate,
  floatingToWall,
  instantToWall,
  isValidZone,
  wallToFloating,
  wallToInstant,
} from '../shared/time';
import { gErrors } from './google-errors';
import {
  checkTimes,
  GEventRecord,
  GFields,
  GInput,
  GTime,
  instanceId,
  mergePatch,
  parseInstanceId,
  renderEvent,
  RenderContext,
  renderTombstone,
  ruleSetOf,
  seriesStart,
  toInstant,
} from './google-model';

/**
 * In-memory state of the Google Calendar emulator: accounts, their calendars, events (series,
 * exceptions, tombstones), the change sequence behind sync tokens, and list cursors.
 */

export interface GAccount {
  email: string;
  displayName: string;
  /** Stable numeric-looking subject id (OpenID `sub`). */
  sub: string;
  primaryCalendarId: string;
}

export interface GCalendar {
  id: string;
  summary: string;
  description?: string;
  timeZone: string;
  owner: string;
  primary: boolean;
  /** Last change sequence number used in this calendar. */
  seq: number;
  events: Map<string, GEventRecord>;
  /** Master id -> ids of its stored exceptions (modified or cancelled instances). */
  exceptions: Map<string, Set<string>>;
  /** Bumped to invalidate every sync token of the calendar. */
  syncEpoch: number;
  created: number;
}

export interface GoogleStoreOptions {
  clock: Clock;
  /** How far after now `singleEvents=true` expands series when no `timeMax` is given. */
  recurrenceHorizonDays: number;
  /** Instances returned per series and request at most. */
  maxInstancesPerSeries: number;
  /** Sync tokens older than this answer 410 (undefined: they never expire by age). */
  syncTokenMaxAgeMs?: number;
  htmlBase: string;
}

export interface ListParams {
  maxResults: number;
  pageToken?: string;
  syncToken?: string;
  singleEvents: boolean;
  showDeleted: boolean;
  timeMin?: number;
  timeMax?: number;
  updatedMin?: number;
  q?: string;
  iCalUID?: string;
  privateExtendedProperty: string[];
  sharedExtendedProperty: string[];
  orderBy?: 'startTime' | 'updated';
  timeZone?: string;
}

export interface ListPage {
  items: Array<Record<string, unknown>>;
  nextPageToken?: string;
  nextSyncToken?: string;
}

interface Cursor {
  items: Array<Record<string, unknown>>;
  offset: number;
  nextSyncToken: string;
  calendarId: string;
}

export interface Actor {
  account: string;
  /** Changes "as the user" (control helpers) may set the organizer, as an invitation would. */
  asUser?: boolean;
}

const CURSOR_LIMIT = 500;

export class GoogleStore {
  readonly accounts = new Map<string, GAccount>();
  readonly calendars = new Map<string, GCalendar>();
  private etagCounter = 0;
  private readonly instanceEpoch = Math.floor(Math.random() * 1e9);
  private readonly tokenIssuedAt = new Map<string, number>();
  private readonly revokedTokens = new Set<string>();
  private readonly cursors = new Map<string, Cursor>();
  /** Called after every change of a calendar's events (drives watch notifications). */
  onChange: (calendar: GCalendar) => void = () => undefined;

  constructor(private readonly options: GoogleStoreOptions) {}

  get clock(): Clock {
    return this.options.clock;
  }

  // ---------------------------------------------------------------- accounts and calendars

  addAccount(input: { email: string; displayName?: string; timeZone?: string }): GAccount {
    const key = input.email.toLowerCase();
    const existing = this.accounts.get(key);
    if (existing) return existing;
    const timeZone = input.timeZone && isValidZone(input.timeZone) ? input.timeZone : 'UTC';
    const account: GAccount = {
      email: input.email,
      displayName: input.displayName ?? defaultName(input.email),
      sub: String(100_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15))),
      primaryCalendarId: input.email,
    };
    this.accounts.set(key, account);
    this.addCalendar(account.email, { id: input.email, summary: input.email, timeZone, primary: true });
    return account;
  }

  account(email: string): GAccount | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  addCalendar(owner: string, input: { id?: string; summary: string; timeZone?: string; primary?: boolean; description?: string }): GCalendar {
    const account = this.account(owner);
    if (!account) throw new Error(`Unknown account ${owner}`);
    const id = input.id ?? `${base32hexId(16)}@group.calendar.google.com`;
    if (this.calendars.has(id)) throw new Error(`Calendar ${id} exists`);
    const timeZone = input.timeZone && isValidZone(input.timeZone) ? input.timeZone : 'UTC';
    const calendar: GCalendar = {
      id,
      summary: input.summary,
      description: input.description,
      timeZone,
      owner: account.email,
      primary: input.primary ?? false,
      seq: 0,
      events: new Map(),
      exceptions: new Map(),
      syncEpoch: this.instanceEpoch,
      created: this.options.clock(),
    };
    this.calendars.set(id, calendar);
    return calendar;
  }

  calendarsOf(account: string): GCalendar[] {
    return [...this.calendars.values()].filter((c) => c.owner.toLowerCase() === account.toLowerCase());
  }

  /** The calendar behind a path's calendarId (`primary` allowed), owned by the caller, else 404. */
  resolveCalendar(account: string, calendarId: string): GCalendar {
    const id = calendarId === 'primary' ? this.account(account)?.primaryCalendarId : calendarId;
    const calendar = id ? this.calendars.get(id) : undefined;
    if (!calendar || calendar.owner.toLowerCase() !== account.toLowerCase()) throw gErrors.notFound();
    return calendar;
  }

  calendarById(calendarId: string): GCalendar {
    const calendar = this.calendars.get(calendarId);
    if (!calendar) throw gErrors.notFound();
    return calendar;
  }

  calendarListEntry(calendar: GCalendar): Record<string, unknown> {
    const entry: Record<string, unknown> = {
      kind: 'calendar#calendarListEntry',
      etag: `"${calendar.created}"`,
      id: calendar.id,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
      colorId: calendar.primary ? '14' : '9',
      backgroundColor: calendar.primary ? '#9fe1e7' : '#7bd148',
      foregroundColor: '#000000',
      selected: true,
      accessRole: 'owner',
      defaultReminders: calendar.primary ? [{ method: 'popup', minutes: 10 }] : [],
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
    if (calendar.description) entry.description = calendar.description;
    if (calendar.primary) entry.primary = true;
    return entry;
  }

  calendarResource(calendar: GCalendar): Record<string, unknown> {
    return {
      kind: 'calendar#calendar',
      etag: `"${calendar.created}"`,
      id: calendar.id,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
      ...(calendar.description ? { description: calendar.description } : {}),
    };
  }

  renderContext(calendar: GCalendar, outZone?: string): RenderContext {
    const owner = this.account(calendar.owner);
    return { calendarZone: calendar.timeZone, outZone, accountEmail: owner?.email ?? calendar.owner, htmlBase: this.options.htmlBase };
  }

  // ---------------------------------------------------------------- reads

  /** A stored event, or a not-yet-modified instance of a live series (virtual). */
  find(calendar: GCalendar, id: string): { record: GEventRecord; virtual: boolean } | undefined {
    const stored = calendar.events.get(id);
    if (stored) return { record: stored, virtual: false };
    const parsed = parseInstanceId(id);
    if (!parsed) return undefined;
    const master = calendar.events.get(parsed.masterId);
    if (!master || master.deleted || !master.recurrence?.length || master.recurringEventId) return undefined;
    const start = seriesStart(master, calendar.timeZone);
    const set = ruleSetOf(master, calendar.timeZone);
    let original: GTime;
    if (start.kind === 'timed') {
      if (parsed.original.kind !== 'timed') return undefined;
      original = { kind: 'timed', instant: parsed.original.instant, zone: master.start.kind === 'timed' ? master.start.zone : undefined };
      if (!hasOccurrence(set, start, { wall: instantToWall(parsed.original.instant, start.zone) })) return undefined;
    } else {
      if (parsed.original.kind !== 'date') return undefined;
      original = parsed.original;
      if (!hasOccurrence(set, start, { date: parsed.original.date })) return undefined;
    }
    return { record: this.virtualInstance(calendar, master, original), virtual: true };
  }

  render(calendar: GCalendar, record: GEventRecord, outZone?: string): Record<string, unknown> {
    return renderEvent(record, this.renderContext(calendar, outZone));
  }

  // ---------------------------------------------------------------- writes

  insert(calendar: GCalendar, input: GInput, actor: Actor): GEventRecord {
    if (input.id && (calendar.events.has(input.id) || this.find(calendar, input.id))) throw gErrors.duplicate();
    const start = input.start as GTime;
    const end = input.end as GTime;
    const recurrence = input.recurrence ?? undefined;
    checkTimes(start, end, recurrence, calendar.timeZone);
    const id = input.id ?? base32hexId(13);
    const now = this.options.clock();
    const owner = this.account(calendar.owner);
    const record: GEventRecord = {
      id,
      calendarId: calendar.id,
      status: input.status ?? 'confirmed',
      deleted: input.status === 'cancelled',
      start,
      end,
      recurrence: recurrence && recurrence.length ? [...recurrence] : undefined,
      fields: applyFields({}, input, false),
      organizer:
        actor.asUser && input.organizer
          ? { ...input.organizer }
          : { email: calendar.id, displayName: calendar.primary ? owner?.displayName : calendar.summary, self: true },
      creator: { email: actor.account, displayName: this.account(actor.account)?.displayName, self: true },
      iCalUID: input.iCalUID ?? `${id}@google.com`,
      sequence: 0,
      created: now,
      updated: now,
      seq: 0,
      etag: '',
    };
    calendar.events.set(id, record);
    this.touch(calendar, record);
    return record;
  }

  /** events.update (`patch: false`, full replacement) or events.patch (`patch: true`). */
  update(calendar: GCalendar, id: string, input: GInput, { patch, ifMatch, actor }: { patch: boolean; ifMatch?: string; actor: Actor }): GEventRecord {
    const found = this.find(calendar, id);
    if (!found) throw gErrors.notFound();
    checkIfMatch(found.record, ifMatch);
    const record = found.virtual ? this.materialize(calendar, found.record) : found.record;
    const masterDeleted = record.recurringEventId ? calendar.events.get(record.recurringEventId)?.deleted : false;
    if (masterDeleted) throw gErrors.deleted();
    const before = { start: record.start, end: record.end, recurrence: record.recurrence };
    const start = input.start ?? (patch ? record.start : undefined);
    const end = input.end ?? (patch ? record.end : undefined);
    if (!start) throw gErrors.required('Missing start time.');
    if (!end) throw gErrors.required('Missing end time.');
    let recurrence = record.recurringEventId ? undefined : record.recurrence;
    if (!record.recurringEventId) {
      if (input.recurrence !== undefined) recurrence = input.recurrence && input.recurrence.length ? [...input.recurrence] : undefined;
      else if (!patch) recurrence = undefined;
    }
    checkTimes(start, end, recurrence, calendar.timeZone);
    record.start = start;
    record.end = end;
    record.recurrence = recurrence;
    record.fields = applyFields(patch ? record.fields : {}, input, patch);
    // A full update without a status means "confirmed" (and so restores a deleted event).
    const status = input.status ?? (patch ? record.status : 'confirmed');
    record.status = status;
    if (!record.recurringEventId) record.deleted = status === 'cancelled';
    if (actor.asUser && input.organizer) record.organizer = { ...input.organizer };
    if (
      JSON.stringify(before.start) !== JSON.stringify(record.start) ||
      JSON.stringify(before.end) !== JSON.stringify(record.end) ||
      JSON.stringify(before.recurrence) !== JSON.stringify(record.recurrence)
    ) {
      record.sequence += 1;
      record.rules = undefined;
    }
    this.touch(calendar, record);
    return record;
  }

  delete(calendar: GCalendar, id: string, { ifMatch }: { ifMatch?: string } = {}): void {
    const found = this.find(calendar, id);
    if (!found) throw gErrors.notFound();
    const existing = found.record;
    const masterDeleted = existing.recurringEventId ? calendar.events.get(existing.recurringEventId)?.deleted : false;
    if (!found.virtual && (existing.deleted || existing.status === 'cancelled' || masterDeleted)) throw gErrors.deleted();
    checkIfMatch(existing, ifMatch);
    const record = found.virtual ? this.materialize(calendar, existing) : existing;
    record.status = 'cancelled';
    if (!record.recurringEventId) record.deleted = true;
    this.touch(calendar, record, { silent: true });
    if (record.recurrence?.length) {
      for (const exceptionId of calendar.exceptions.get(record.id) ?? []) {
        const exception = calendar.events.get(exceptionId);
        if (exception && !exception.deleted) {
          exception.deleted = true;
          exception.status = 'cancelled';
          this.touch(calendar, exception, { silent: true });
        }
      }
    }
    this.onChange(calendar);
  }

  // ---------------------------------------------------------------- list and sync

  list(calendar: GCalendar, params: ListParams): ListPage {
    if (params.pageToken) return this.page(params.pageToken, params.maxResults, calendar);
    const rc = this.renderContext(calendar, params.timeZone);
    let items: Array<Record<string, unknown>>;
    if (params.syncToken) {
      const since = this.checkSyncToken(calendar, params.syncToken);
      items = this.changesSince(calendar, since, params, rc);
    } else {
      items = this.fullList(calendar, params, rc);
    }
    const nextSyncToken = this.syncTokenFor(calendar);
    return this.paginate({ items, offset: 0, nextSyncToken, calendarId: calendar.id }, params.maxResults);
  }

  /** Instances of one series (events.instances). */
  instances(
    calendar: GCalendar,
    id: string,
    params: { timeMin?: number; timeMax?: number; showDeleted: boolean; maxResults: number; pageToken?: string; timeZone?: string },
  ): ListPage {
    if (params.pageToken) return this.page(params.pageToken, params.maxResults, calendar);
    const master = calendar.events.get(id);
    if (!master || master.recurringEventId) throw gErrors.notFound();
    if (master.deleted) throw gErrors.deleted();
    const rc = this.renderContext(calendar, params.timeZone);
    if (!master.recurrence?.length) {
      return { items: [renderEvent(master, rc)], nextSyncToken: undefined };
    }
    const records = this.seriesInstances(calendar, master, params.timeMin, params.timeMax, params.showDeleted);
    const items = records.map((r) => (r.status === 'cancelled' ? renderTombstone(r, rc) : renderEvent(r, rc)));
    const page = this.paginate({ items, offset: 0, nextSyncToken: '', calendarId: calendar.id }, params.maxResults);
    delete page.nextSyncToken;
    return page;
  }

  /** Invalidates every sync token of the calendar (or of all calendars): the next incremental sync gets 410. */
  expireSyncTokens(calendarId?: string): void {
    for (const calendar of this.calendars.values()) {
      if (!calendarId || calendar.id === calendarId) calendar.syncEpoch += 1;
    }
  }

  expireSyncToken(token: string): void {
    this.revokedTokens.add(token);
  }

  syncTokenFor(calendar: GCalendar): string {
    const token = `CP${Buffer.from(JSON.stringify([calendar.id, calendar.seq, calendar.syncEpoch])).toString('base64url')}`;
    if (!this.tokenIssuedAt.has(token)) this.tokenIssuedAt.set(token, this.options.clock());
    return token;
  }

  private checkSyncToken(calendar: GCalendar, token: string): number {
    let decoded: unknown;
    try {
      decoded = token.startsWith('CP') ? JSON.parse(Buffer.from(token.slice(2), 'base64url').toString('utf8')) : undefined;
    } catch {
      decoded = undefined;
    }
    if (!Array.isArray(decoded) || decoded.length !== 3) throw gErrors.fullSyncRequired();
    const [calendarId, seq, epoch] = decoded as [string, number, number];
    if (calendarId !== calendar.id || epoch !== calendar.syncEpoch || this.revokedTokens.has(token)) {
      throw gErrors.fullSyncRequired();
    }
    const issuedAt = this.tokenIssuedAt.get(token);
    if (issuedAt === undefined) throw gErrors.fullSyncRequired();
    if (this.options.syncTokenMaxAgeMs !== undefined && this.options.clock() - issuedAt > this.options.syncTokenMaxAgeMs) {
      throw gErrors.fullSyncRequired();
    }
    return seq;
  }

  private changesSince(calendar: GCalendar, since: number, params: ListParams, rc: RenderContext): Array<Record<string, unknown>> {
    const changed = [...calendar.events.values()].filter((r) => r.seq > since).sort((a, b) => a.seq - b.seq);
    const out: Array<Record<string, unknown>> = [];
    for (const record of changed) {
      const masterDeleted = record.recurringEventId ? calendar.events.get(record.recurringEventId)?.deleted : false;
      if (record.deleted || record.status === 'cancelled' || masterDeleted) {
        out.push(renderTombstone(record, rc));
      } else if (record.recurrence?.length && params.singleEvents) {
        for (const instance of this.seriesInstances(calendar, record, undefined, undefined, false)) {
          if (!instance.recurringEventId || calendar.events.get(instance.id) === undefined) out.push(renderEvent(instance, rc));
        }
      } else {
        out.push(renderEvent(record, rc));
      }
    }
    return out;
  }

  private fullList(calendar: GCalendar, params: ListParams, rc: RenderContext): Array<Record<string, unknown>> {
    const includeDeleted = params.showDeleted || params.updatedMin !== undefined;
    const candidates: GEventRecord[] = [];
    for (const record of calendar.events.values()) {
      const master = record.recurringEventId ? calendar.events.get(record.recurringEventId) : undefined;
      const deleted = record.deleted || (master?.deleted ?? false);
      const cancelledInstance = !deleted && record.recurringEventId !== undefined && record.status === 'cancelled';
      if (deleted && !includeDeleted) continue;
      if (params.updatedMin !== undefined && record.updated < params.updatedMin) continue;
      if (params.singleEvents) {
        if (cancelledInstance && !includeDeleted) continue;
        if (record.recurrence?.length) {
          if (deleted) continue; // "only single instances of deleted events (but not the underlying recurring events)"
          for (const instance of this.seriesInstances(calendar, record, params.timeMin, params.timeMax, false)) {
            if (instance.recurringEventId && calendar.events.has(instance.id)) continue; // stored exceptions come on their own
            candidates.push(instance);
          }
          continue;
        }
      }
      // singleEvents=false: cancelled instances of live series are listed even without showDeleted.
      candidates.push(record);
    }
    let selected = candidates.filter((r) => this.matches(calendar, r, params));
    if (params.orderBy === 'startTime') {
      selected = selected
        .map((r, i) => ({ r, i, at: toInstant(r.start, calendar.timeZone) }))
        .sort((a, b) => a.at - b.at || a.i - b.i)
        .map((x) => x.r);
    } else if (params.orderBy === 'updated') {
      selected = [...selected].sort((a, b) => a.updated - b.updated);
    }
    // Deleted events keep their details on the organizer's calendar (showDeleted); cancelled
    // instances of a live series are only guaranteed id, recurringEventId and originalStartTime.
    return selected.map((r) => {
      const masterDeleted = r.recurringEventId ? calendar.events.get(r.recurringEventId)?.deleted : false;
      return !r.deleted && !masterDeleted && r.status === 'cancelled' ? renderTombstone(r, rc) : renderEvent(r, rc);
    });
  }

  private matches(calendar: GCalendar, record: GEventRecord, params: ListParams): boolean {
    if (params.timeMin !== undefined || params.timeMax !== undefined) {
      const [from, to] = record.recurrence?.length && !params.singleEvents ? this.seriesSpan(calendar, record) : this.span(calendar, record);
      if (params.timeMin !== undefined && !(to > params.timeMin)) return false;
      if (params.timeMax !== undefined && !(from < params.timeMax)) return false;
    }
    if (params.iCalUID !== undefined && record.iCalUID !== params.iCalUID) return false;
    for (const [scope, filters] of [
      ['private', params.privateExtendedProperty],
      ['shared', params.sharedExtendedProperty],
    ] as const) {
      for (const filter of filters) {
        const eq = filter.indexOf('=');
        const key = eq < 0 ? filter : filter.slice(0, eq);
        const value = eq < 0 ? '' : filter.slice(eq + 1);
        if (record.fields.extendedProperties?.[scope]?.[key] !== value) return false;
      }
    }
    if (params.q) {
      const needle = params.q.toLowerCase();
      const f = record.fields;
      const haystack = [
        f.summary,
        f.description,
        f.location,
        record.organizer.email,
        record.organizer.displayName,
        ...(f.attendees ?? []).flatMap((a) => [a.email, a.displayName]),
      ]
        .filter(Boolean)
        .join('\n')
        .toLowerCase();
      if (!needle.split(/\s+/).every((word) => haystack.includes(word))) return false;
    }
    return true;
  }

  private span(calendar: GCalendar, record: GEventRecord): [number, number] {
    return [toInstant(record.start, calendar.timeZone), toInstant(record.end, calendar.timeZone)];
  }

  private seriesSpan(calendar: GCalendar, master: GEventRecord): [number, number] {
    const [start, end] = this.span(calendar, master);
    const last = lastOccurrenceFloating(ruleSetOf(master, calendar.timeZone));
    if (last === undefined) return [start, Number.POSITIVE_INFINITY];
    const series = seriesStart(master, calendar.timeZone);
    const lastStart =
      series.kind === 'timed' ? wallToInstant(floatingToWall(last), series.zone) : toInstant({ kind: 'date', date: floatingToDate(last) }, calendar.timeZone);
    return [start, Math.max(end, lastStart + (end - start))];
  }

  /** Live instances of a series (virtual ones and stored exceptions) overlapping [from, to). */
  seriesInstances(calendar: GCalendar, master: GEventRecord, from: number | undefined, to: number | undefined, withCancelled: boolean): GEventRecord[] {
    const series = seriesStart(master, calendar.timeZone);
    const [start, end] = this.span(calendar, master);
    const duration = end - start;
    const now = this.options.clock();
    const lower = from !== undefined ? from - duration - 86_400_000 : start;
    const upper = to ?? now + this.options.recurrenceHorizonDays * 86_400_000;
    const occurrences = expand(ruleSetOf(master, calendar.timeZone), series, lower, upper, {
      dateZone: calendar.timeZone,
      limit: this.options.maxInstancesPerSeries,
    });
    const exceptionIds = calendar.exceptions.get(master.id) ?? new Set<string>();
    const out: GEventRecord[] = [];
    for (const occurrence of occurrences) {
      const original: GTime =
        series.kind === 'timed'
          ? { kind: 'timed', instant: occurrence.startMs, zone: master.start.kind === 'timed' ? master.start.zone : undefined }
          : { kind: 'date', date: occurrence.date as string };
      const id = instanceId(master.id, original);
      const instance = exceptionIds.has(id) ? calendar.events.get(id) : this.virtualInstance(calendar, master, original);
      if (!instance) continue;
      if (instance.status === 'cancelled' && !withCancelled) continue;
      out.push(instance);
    }
    // Exceptions moved into the window from an original start outside it.
    for (const id of exceptionIds) {
      const exception = calendar.events.get(id);
      if (!exception || out.includes(exception)) continue;
      if (exception.status === 'cancelled' && !withCancelled) continue;
      const [s, e] = this.span(calendar, exception);
      if ((from === undefined || e > from) && (to === undefined || s < to) && (from !== undefined || to !== undefined)) out.push(exception);
    }
    return out
      .filter((r) => {
        const [s, e] = this.span(calendar, r);
        return (from === undefined || e > from) && (to === undefined || s < to);
      })
      .sort((a, b) => toInstant(a.start, calendar.timeZone) - toInstant(b.start, calendar.timeZone));
  }

  private virtualInstance(calendar: GCalendar, master: GEventRecord, original: GTime): GEventRecord {
    let start: GTime;
    let end: GTime;
    if (original.kind === 'date' && master.start.kind === 'date' && master.end.kind === 'date') {
      const days = Math.round((dateToFloating(master.end.date) - dateToFloating(master.start.date)) / 86_400_000);
      start = { kind: 'date', date: original.date };
      end = { kind: 'date', date: addDays(original.date, days) };
    } else {
      const zone = (master.start.kind === 'timed' ? master.start.zone : undefined) ?? calendar.timeZone;
      const startInstant = toInstant(original, calendar.timeZone);
      const wallDuration =
        wallToFloating(instantToWall(toInstant(master.end, calendar.timeZone), zone)) -
        wallToFloating(instantToWall(toInstant(master.start, calendar.timeZone), zone));
      const endInstant = wallToInstant(floatingToWall(wallToFloating(instantToWall(startInstant, zone)) + wallDuration), zone);
      start = { kind: 'timed', instant: startInstant, zone: master.start.kind === 'timed' ? master.start.zone : undefined };
      end = { kind: 'timed', instant: endInstant, zone: master.end.kind === 'timed' ? master.end.zone : undefined };
    }
    return {
      ...master,
      id: instanceId(master.id, original),
      recurrence: undefined,
      recurringEventId: master.id,
      originalStart: original,
      start,
      end,
      fields: structuredClone(master.fields),
      rules: undefined,
    };
  }

  /** Turns a virtual instance into a stored exception of its series. */
  private materialize(calendar: GCalendar, virtual: GEventRecord): GEventRecord {
    const record: GEventRecord = { ...virtual, fields: structuredClone(virtual.fields), created: this.options.clock() };
    calendar.events.set(record.id, record);
    const master = record.recurringEventId as string;
    if (!calendar.exceptions.has(master)) calendar.exceptions.set(master, new Set());
    calendar.exceptions.get(master)?.add(record.id);
    return record;
  }

  private touch(calendar: GCalendar, record: GEventRecord, { silent = false }: { silent?: boolean } = {}): void {
    const now = this.options.clock();
    calendar.seq += 1;
    record.seq = calendar.seq;
    record.updated = Math.max(now, record.created);
    this.etagCounter += 1;
    record.etag = `"${now}${String(this.etagCounter).padStart(6, '0')}"`;
    record.rules = undefined;
    if (!silent) this.onChange(calendar);
  }

  private page(token: string, maxResults: number, calendar: GCalendar): ListPage {
    const cursor = this.cursors.get(token);
    if (!cursor || cursor.calendarId !== calendar.id) throw gErrors.invalid('Invalid page token value.', 'pageToken');
    return this.paginate(cursor, maxResults);
  }

  private paginate(cursor: Cursor, maxResults: number): ListPage {
    const end = cursor.offset + maxResults;
    const items = cursor.items.slice(cursor.offset, end);
    if (end < cursor.items.length) {
      const token = randomToken(24);
      this.cursors.set(token, { ...cursor, offset: end });
      if (this.cursors.size > CURSOR_LIMIT) {
        const oldest = this.cursors.keys().next().value;
        if (oldest !== undefined) this.cursors.delete(oldest);
      }
      return { items, nextPageToken: token };
    }
    // nextSyncToken only on the last page (https://developers.google.com/calendar/api/guides/sync).
    return { items, nextSyncToken: cursor.nextSyncToken };
  }
}

function checkIfMatch(record: GEventRecord, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(record.etag)) throw gErrors.conditionNotMet();
}

function applyFields(base: GFields, input: GInput, patch: boolean): GFields {
  let out: Record<string, unknown> = { ...structuredClone(base) };
  for (const [name, value] of Object.entries(input.fields)) {
    const current = out[name];
    if (
      patch &&
      name !== 'attendees' &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current)
    ) {
      out[name] = mergePatch(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      out[name] = structuredClone(value);
    }
  }
  for (const name of input.cleared) delete out[name];
  if (out.extendedProperties) {
    // `null` values inside the maps remove those keys (patch) or are ignored (insert/update).
    out = { ...out, extendedProperties: pruneNulls(out.extendedProperties as Record<string, unknown>) };
  }
  return out as GFields;
}

function pruneNulls(map: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!map) return map;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) {
    if (v === null) continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) ? pruneNulls(v as Record<string, unknown>) : v;
  }
  return out;
}

function defaultName(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local.charAt(0).toUpperCase() + local.slice(1);
}
