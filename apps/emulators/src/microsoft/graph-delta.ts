import type { Clock } from '../shared/clock';
import { randomToken } from '../shared/ids';
import { mErrors } from './graph-errors';
import type { GraphStore, Mailbox, MCalendar, RenderOptions, ViewInstance } from './graph-store';

/**
 * calendarView delta rounds (https://learn.microsoft.com/graph/api/event-delta and
 * https://learn.microsoft.com/graph/delta-query-events): the window is fixed by the first request
 * and carried in the state tokens; pages follow `@odata.nextLink` (`$skiptoken`) until an
 * `@odata.deltaLink` (`$deltatoken`); a later round returns what changed since, with `@removed`
 * entries for rows that left the view and for changed events outside the window. Tokens live in a
 * bounded cache per mailbox, as Outlook's do; an evicted or expired token answers 410
 * SyncStateNotFound with a `Location` to restart.
 */

type Json = Record<string, unknown>;

interface DeltaState {
  id: string;
  mailbox: string;
  calendarId: string;
  /** How the client addressed the calendar (links keep that path). */
  path: string;
  from: number;
  to: number;
  snapshot: Map<string, { version: string; renderedId: string }>;
  seq: number;
}

interface Round {
  id: string;
  items: Json[];
  pageSize: number;
  /** The state issued with the last page's deltaLink. */
  next: DeltaState;
  mailbox: string;
}

export interface DeltaOptions {
  clock: Clock;
  /** Delta tokens kept per mailbox (older ones answer 410). */
  tokenCacheSize: number;
  /** Page size without `Prefer: odata.maxpagesize` (default 10). */
  defaultPageSize: number;
  /** Largest honoured `odata.maxpagesize`. */
  maxPageSize: number;
}

export interface DeltaExpiry {
  /** HTTP status for stale tokens (410 by default; identity resources use 400). */
  status: number;
  /** Error code (`SyncStateNotFound` by default; compare case-insensitively). */
  code: string;
}

const ROUND_LIMIT = 500;

export class DeltaTracker {
  private readonly states = new Map<string, DeltaState>();
  private readonly rounds = new Map<string, Round>();
  private readonly expired = new Map<string, { path: string; from: number; to: number }>();
  private expiry: DeltaExpiry = { status: 410, code: 'SyncStateNotFound' };

  constructor(
    private readonly store: GraphStore,
    private readonly options: DeltaOptions,
  ) {}

  setExpiryResponse(expiry: Partial<DeltaExpiry>): void {
    if (expiry.status !== undefined) this.expiry.status = expiry.status;
    if (expiry.code !== undefined) this.expiry.code = expiry.code;
  }

  /** First request of a round: every row of the window. */
  initial(mailbox: Mailbox, calendar: MCalendar, path: string, from: number, to: number, ro: RenderOptions, pageSize: number | undefined): Json {
    const rows = this.store.view(calendar, from, to);
    const items = rows.map((row) => this.renderRow(row, ro));
    const next = this.newState(mailbox, calendar, path, from, to, rows, ro);
    return this.startRound(mailbox, items, next, pageSize, ro);
  }

  /** A `$deltatoken` request: what changed since that state. */
  fromToken(mailbox: Mailbox, token: string, ro: RenderOptions, pageSize: number | undefined): Json {
    const state = this.states.get(token);
    if (!state || state.mailbox !== mailbox.email.toLowerCase()) throw this.gone(token, ro);
    const calendar = this.store.calendars.get(state.calendarId);
    if (!calendar) throw this.gone(token, ro);
    const rows = this.store.view(calendar, state.from, state.to);
    const items: Json[] = [];
    const current = new Set<string>();
    const emitted = new Set<string>();
    for (const row of rows) {
      current.add(row.viewKey);
      const before = state.snapshot.get(row.viewKey);
      if (!before || before.version !== row.version) {
        items.push(this.renderRow(row, ro));
        emitted.add(row.viewKey);
      }
    }
    for (const [viewKey, before] of state.snapshot) {
      if (current.has(viewKey)) continue;
      items.push(removed(before.renderedId));
      emitted.add(viewKey);
    }
    // "Events that are outside the date range and that have been added, deleted, or updated since
    // the previous delta call" also come as @removed (calendar-wide, ids as the client would know them).
    for (const record of this.store.events.values()) {
      if (record.seq <= state.seq || record.mailbox !== state.mailbox) continue;
      const inCalendar = record.calendarId === state.calendarId;
      const viewKey = record.type === 'exception' ? `${record.seriesMasterKey}@${record.originalStart}` : record.key;
      if (current.has(viewKey) || emitted.has(viewKey)) continue;
      if (record.type === 'seriesMaster' && [...current].some((k) => k.startsWith(`${record.key}@`))) continue;
      if (!inCalendar && !state.snapshot.has(viewKey)) continue;
      items.push(removed(this.store.renderedId(record, ro.immutableIds)));
      emitted.add(viewKey);
    }
    const next = this.newState(mailbox, calendar, state.path, state.from, state.to, rows, ro);
    return this.startRound(mailbox, items, next, pageSize, ro);
  }

  /** A `$skiptoken` request: the next page of a round. */
  page(mailbox: Mailbox, skipToken: string, ro: RenderOptions): Json {
    const [roundId, offsetText] = skipToken.split('~');
    const round = this.rounds.get(roundId);
    const offset = Number(offsetText);
    if (!round || round.mailbox !== mailbox.email.toLowerCase() || !Number.isInteger(offset)) throw this.gone(skipToken, ro);
    return this.pageOf(round, offset, ro);
  }

  /** Invalidates delta tokens (all, of one mailbox, or one token / deltaLink). */
  expire(filter: { mailbox?: string; token?: string } = {}): number {
    const token = filter.token ? extractToken(filter.token) : undefined;
    let count = 0;
    for (const [id, state] of this.states) {
      if (token && id !== token) continue;
      if (filter.mailbox && state.mailbox !== filter.mailbox.toLowerCase()) continue;
      this.states.delete(id);
      this.expired.set(id, { path: state.path, from: state.from, to: state.to });
      count += 1;
    }
    for (const [id, round] of this.rounds) {
      if (token && !token.startsWith(id)) continue;
      if (filter.mailbox && round.mailbox !== filter.mailbox.toLowerCase()) continue;
      this.rounds.delete(id);
    }
    return count;
  }

  private renderRow(row: ViewInstance, ro: RenderOptions): Json {
    return { '@odata.type': '#microsoft.graph.event', ...this.store.render(row.record, ro, row.occurrence) };
  }

  private newState(mailbox: Mailbox, calendar: MCalendar, path: string, from: number, to: number, rows: ViewInstance[], ro: RenderOptions): DeltaState {
    const snapshot = new Map<string, { version: string; renderedId: string }>();
    for (const row of rows) snapshot.set(row.viewKey, { version: row.version, renderedId: this.store.rowId(row, ro.immutableIds) });
    return { id: randomToken(24), mailbox: mailbox.email.toLowerCase(), calendarId: calendar.id, path, from, to, snapshot, seq: mailbox.seq };
  }

  private startRound(mailbox: Mailbox, items: Json[], next: DeltaState, pageSize: number | undefined, ro: RenderOptions): Json {
    const size = Math.min(Math.max(1, pageSize ?? this.options.defaultPageSize), this.options.maxPageSize);
    const round: Round = { id: randomToken(16), items, pageSize: size, next, mailbox: mailbox.email.toLowerCase() };
    this.rounds.set(round.id, round);
    if (this.rounds.size > ROUND_LIMIT) {
      const oldest = this.rounds.keys().next().value;
      if (oldest !== undefined) this.rounds.delete(oldest);
    }
    return this.pageOf(round, 0, ro);
  }

  private pageOf(round: Round, offset: number, ro: RenderOptions): Json {
    const end = offset + round.pageSize;
    const base = `${ro.publicUrl}/v1.0/${round.next.path}/calendarView/delta`;
    const out: Json = {
      '@odata.context': `${ro.publicUrl}/v1.0/$metadata#Collection(event)`,
      value: round.items.slice(offset, end),
    };
    if (end < round.items.length) {
      out['@odata.nextLink'] = `${base}?$skiptoken=${round.id}~${end}`;
    } else {
      this.issue(round.next);
      out['@odata.deltaLink'] = `${base}?$deltatoken=${round.next.id}`;
    }
    return out;
  }

  private issue(state: DeltaState): void {
    if (this.states.has(state.id)) return;
    this.states.set(state.id, state);
    const ofMailbox = [...this.states.values()].filter((s) => s.mailbox === state.mailbox);
    for (const old of ofMailbox.slice(0, Math.max(0, ofMailbox.length - this.options.tokenCacheSize))) {
      this.states.delete(old.id);
      this.expired.set(old.id, { path: old.path, from: old.from, to: old.to });
    }
  }

  private gone(token: string, ro: RenderOptions) {
    const known = this.expired.get(token) ?? this.expired.get(token.split('~')[0]);
    const location = known
      ? `${ro.publicUrl}/v1.0/${known.path}/calendarView/delta?startDateTime=${iso(known.from)}&endDateTime=${iso(known.to)}`
      : undefined;
    return mErrors.syncStateGone(this.expiry.status, this.expiry.code, location);
  }
}

function removed(id: string): Json {
  return { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Accepts a bare token or a whole deltaLink/nextLink. */
export function extractToken(tokenOrLink: string): string {
  const m = /[$](?:deltatoken|skiptoken)=([^&]+)/i.exec(tokenOrLink);
  return m ? decodeURIComponent(m[1]) : tokenOrLink;
}
