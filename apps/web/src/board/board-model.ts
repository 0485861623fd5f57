import { toFloating } from '../lib/time';
import type { BlockedSlot, Conflict, Job, Staff } from '../lib/types';

/** The lane of jobs nobody is on yet. */
export const UNASSIGNED = 'unassigned';

export type LaneHealth = 'none' | 'active' | 'syncing' | 'needs_reauth' | 'error';

export interface Lane {
  id: string;
  name: string;
  health: LaneHealth;
  /** The worst connection's account and last error, for the lane's tooltip. */
  healthDetail: string | null;
}

/** What the calendar component is handed (floating wall-clock times of the venue). */
export interface BoardEvent {
  id: string;
  resourceIds: string[];
  start: string;
  end: string;
  title: string;
  classNames: string[];
  editable: boolean;
  extendedProps: { kind: 'job' | 'slot'; entityId: string; status?: string; conflict: boolean };
}

const HEALTH_RANK: Record<string, number> = { needs_reauth: 0, error: 1, syncing: 2, active: 3 };

/** One lane per staff member (by name), the unassigned lane first, each with its calendar health. */
export function buildLanes(
  staff: Staff[],
  connections: Array<{ staffId: string; status: string; accountEmail: string; lastError: string | null }>,
): Lane[] {
  const worst = new Map<string, { status: string; detail: string }>();
  for (const c of connections) {
    if (!(c.status in HEALTH_RANK)) continue;
    const prev = worst.get(c.staffId);
    if (!prev || HEALTH_RANK[c.status] < HEALTH_RANK[prev.status]) {
      worst.set(c.staffId, { status: c.status, detail: c.lastError ? `${c.accountEmail}: ${c.lastError}` : c.accountEmail });
    }
  }
  const lanes = [...staff]
    .filter((s) => s.active !== false)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map<Lane>((s) => ({
      id: s.id,
      name: s.name,
      health: (worst.get(s.id)?.status as LaneHealth | undefined) ?? 'none',
      healthDetail: worst.get(s.id)?.detail ?? null,
    }));
  return [{ id: UNASSIGNED, name: 'Unassigned', health: 'none', healthDetail: null }, ...lanes];
}

export const HEALTH_TEXT: Record<LaneHealth, string> = {
  none: 'no calendar connected: free means free in calbridge only',
  active: 'calendar in sync',
  syncing: 'calendar syncing',
  needs_reauth: 'calendar needs reconnecting: busy times may be missing',
  error: 'calendar sync failing: busy times may be out of date',
};

/** Ids of jobs and blocked slots that are a side of an open conflict. */
export function conflictSides(conflicts: Conflict[]): { jobs: Set<string>; slots: Set<string> } {
  const jobs = new Set<string>();
  const slots = new Set<string>();
  for (const c of conflicts) {
    if (c.status !== 'open') continue;
    jobs.add(c.job.id);
    if (c.blockedSlot.id) slots.add(c.blockedSlot.id);
  }
  return { jobs, slots };
}

const FINISHED = new Set(['cancelled', 'no_show', 'completed']);

/** The board's events: jobs in the lanes of their staff (or unassigned), blocked time as "Busy". */
export function buildEvents(jobs: Iterable<Job>, slots: Iterable<BlockedSlot>, conflicts: Conflict[], zone: string, laneIds: Set<string>): BoardEvent[] {
  const sides = conflictSides(conflicts);
  const out: BoardEvent[] = [];
  for (const j of jobs) {
    const staffLanes = j.assignments.map((a) => a.staffId).filter((id) => laneIds.has(id));
    const conflict = sides.jobs.has(j.id);
    out.push({
      id: `job:${j.id}`,
      resourceIds: staffLanes.length ? staffLanes : [UNASSIGNED],
      start: toFloating(j.startsAt, zone),
      end: toFloating(j.endsAt, zone),
      title: j.title,
      classNames: ['job', `st-${j.status}`, ...(conflict ? ['conflict'] : [])],
      // Moving a cancelled or finished job is not a dispatcher's day-to-day: edit it in its panel.
      editable: !FINISHED.has(j.status),
      extendedProps: { kind: 'job', entityId: j.id, status: j.status, conflict },
    });
  }
  for (const s of slots) {
    if (!laneIds.has(s.staffId)) continue;
    const conflict = sides.slots.has(s.id);
    out.push({
      id: `slot:${s.id}`,
      resourceIds: [s.staffId],
      start: toFloating(s.startsAt, zone),
      end: toFloating(s.endsAt, zone),
      // Never the text of a pulled event; a manual block shows what its owner wrote for dispatchers.
      title: s.source === 'manual' && s.reason ? `Busy · ${s.reason}` : 'Busy',
      classNames: ['busy', ...(conflict ? ['conflict'] : [])],
      editable: false,
      extendedProps: { kind: 'slot', entityId: s.id, conflict },
    });
  }
  return out;
}

/** What a drop onto the board means for the job's assignments. */
export function reassignment(
  assigned: string[],
  from: string | undefined,
  to: string | undefined,
): { add: string | null; remove: string | null } {
  if (!to || to === from) return { add: null, remove: null };
  const add = to === UNASSIGNED || assigned.includes(to) ? null : to;
  const remove = from && from !== UNASSIGNED && assigned.includes(from) ? from : null;
  return { add, remove };
}
