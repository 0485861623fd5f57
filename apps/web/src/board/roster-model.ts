import { DateTime } from 'luxon';
import { toFloating } from '../lib/time';
import type { BlockedSlot, Conflict, Job } from '../lib/types';
import { conflictSides, Lane, UNASSIGNED } from './board-model';

/**
 * The week as a roster: one row per lane (staff member, and unassigned), one cell per day of the
 * venue's week, compact chips in each cell. A week of 50 people and 2,000 jobs is 2,000 small
 * chips in plain rows, not a 50-lane time grid: it draws in tens of milliseconds.
 */

export interface RosterItem {
  /** `job:<id>` / `slot:<id>` (unique within a cell). */
  key: string;
  kind: 'job' | 'slot';
  id: string;
  /** Floating wall-clock times in the venue's zone ("2026-12-07T08:00"). */
  start: string;
  end: string;
  /** "08:00–09:00" (the venue's wall clock). */
  time: string;
  text: string;
  status?: string;
  conflict: boolean;
  movable: boolean;
}

export interface RosterLane {
  lane: Lane;
  /** Seven cells, Monday to Sunday; items by start. */
  days: RosterItem[][];
  /** Equal signatures: nothing in the row changed (its row is not redrawn). */
  sig: string;
}

const FINISHED = new Set(['cancelled', 'no_show', 'completed']);

/** The seven dates (yyyy-MM-dd) of the venue's week starting at `weekStart` (ISO, in the zone). */
export function weekDays(weekStart: string, zone: string): string[] {
  const start = DateTime.fromISO(weekStart, { zone }).startOf('day');
  return Array.from({ length: 7 }, (_, i) => start.plus({ days: i }).toISODate() ?? '');
}

const QUARTER = 900_000;
const offsets = new Map<string, number>();
/** The zone's UTC offset (minutes) at an instant; zones change offset on quarter hours, so one luxon look-up per quarter hour. */
function offsetAt(epoch: number, zone: string): number {
  const bucket = Math.floor(epoch / QUARTER);
  const key = `${zone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(bucket * QUARTER, { zone }).offset;
    if (offsets.size > 20_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * An instant's wall-clock time in the venue's zone ("2026-12-07T08:00"), for 2,000 jobs without
 * 4,000 luxon conversions: Date.parse and the zone's offset of that quarter hour.
 */
export function wallClock(iso: string, zone: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return toFloating(iso, zone).slice(0, 16);
  return new Date(t + offsetAt(t, zone) * 60_000).toISOString().slice(0, 16);
}

/** The indexes of the days a [start, end) floating range touches (an instant touches its day). */
function daysOf(start: string, end: string, days: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < days.length; i++) {
    const dayStart = `${days[i]}T00:00`;
    const next = i + 1 < days.length ? `${days[i + 1]}T00:00` : nextDay(days[i]);
    if (start < next && (end > dayStart || (end === start && start >= dayStart))) out.push(i);
  }
  return out;
}

function nextDay(day: string): string {
  return `${DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate()}T00:00`;
}

function timeText(start: string, end: string): string {
  const e = end.slice(0, 10) === start.slice(0, 10) ? end.slice(11, 16) : `${end.slice(11, 16)} (+${dayDiff(start, end)}d)`;
  return `${start.slice(11, 16)}–${e}`;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b.slice(0, 10)}T00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00Z`)) / 86_400_000);
}

/**
 * Rows of the roster. `previous` (the last result) lets unchanged rows keep their identity, so a
 * live change redraws one lane, not fifty.
 */
export function buildRoster(
  lanes: Lane[],
  jobs: Iterable<Job>,
  slots: Iterable<BlockedSlot>,
  conflicts: Conflict[],
  zone: string,
  days: string[],
  previous?: RosterLane[],
): RosterLane[] {
  const sides = conflictSides(conflicts);
  const cells = new Map<string, RosterItem[][]>(lanes.map((l) => [l.id, days.map(() => [])]));
  const put = (laneId: string, item: RosterItem) => {
    const row = cells.get(laneId);
    if (!row) return;
    for (const i of daysOf(item.start, item.end, days)) row[i].push(item);
  };
  for (const j of jobs) {
    const start = wallClock(j.startsAt, zone);
    const end = wallClock(j.endsAt, zone);
    const item: RosterItem = {
      key: `job:${j.id}`,
      kind: 'job',
      id: j.id,
      start,
      end,
      time: timeText(start, end),
      text: j.title,
      status: j.status,
      conflict: sides.jobs.has(j.id),
      movable: !FINISHED.has(j.status),
    };
    const staffLanes = j.assignments.map((a) => a.staffId).filter((id) => cells.has(id) && id !== UNASSIGNED);
    if (staffLanes.length) for (const id of staffLanes) put(id, item);
    else put(UNASSIGNED, item);
  }
  for (const s of slots) {
    if (!cells.has(s.staffId)) continue;
    const start = wallClock(s.startsAt, zone);
    const end = wallClock(s.endsAt, zone);
    put(s.staffId, {
      key: `slot:${s.id}`,
      kind: 'slot',
      id: s.id,
      start,
      end,
      time: timeText(start, end),
      // Never the text of a pulled event; a manual block shows what its owner wrote for dispatchers.
      text: s.source === 'manual' && s.reason ? `Busy · ${s.reason}` : 'Busy',
      conflict: sides.slots.has(s.id),
      movable: false,
    });
  }
  const before = new Map((previous ?? []).map((r) => [r.lane.id, r]));
  return lanes.map((lane) => {
    const row = cells.get(lane.id) ?? [];
    for (const cell of row) cell.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.key < b.key ? -1 : 1));
    const sig = `${lane.name}|${lane.health}|${lane.healthDetail ?? ''}|${row
      .map((cell) => cell.map((i) => `${i.key},${i.start},${i.end},${i.text},${i.status ?? ''},${i.conflict ? 1 : 0}`).join(';'))
      .join('/')}`;
    const old = before.get(lane.id);
    return old && old.sig === sig ? old : { lane, days: row, sig };
  });
}

/** A job moved by `days` whole days in the venue's zone (wall clock kept across DST), as ISO with offset. */
export function shiftDays(iso: string, days: number, zone: string): string {
  const dt = DateTime.fromISO(iso, { zone }).plus({ days });
  return dt.toISO({ suppressMilliseconds: true }) ?? iso;
}
