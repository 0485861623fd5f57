/** Pure reconciliation of detected overlaps against recorded conflicts. */

export interface OverlapPair {
  jobId: string;
  staffId: string;
  venueId: string;
  slotId: string;
  slotSource: string;
  jobStartsAt: Date;
  jobEndsAt: Date;
  slotStartsAt: Date;
  slotEndsAt: Date;
}

export interface LiveConflict {
  id: string;
  jobId: string;
  staffId: string;
  venueId: string;
  slotId: string | null;
  status: 'open' | 'overridden';
  jobStartsAt: Date;
  jobEndsAt: Date;
  slotStartsAt: Date;
  slotEndsAt: Date;
}

export interface ConflictDiff {
  /** Overlaps with no live conflict yet. */
  toOpen: OverlapPair[];
  /** Live conflicts whose overlap is gone. */
  toResolve: LiveConflict[];
  /** Live conflicts whose times moved but still overlap. */
  toRefresh: Array<{ conflict: LiveConflict; pair: OverlapPair }>;
  /** Open conflicts the caller is overriding now. */
  toOverride: LiveConflict[];
}

export const pairKey = (jobId: string, staffId: string, slotId: string | null): string => `${jobId}|${staffId}|${slotId}`;

/**
 * @param overrides keys (see {@link pairKey}) of pairs the caller explicitly overrides: new ones
 *   are recorded as overridden, open ones become overridden.
 */
export function diffConflicts(pairs: OverlapPair[], live: LiveConflict[], overrides: ReadonlySet<string>): ConflictDiff {
  const liveByKey = new Map(live.map((c) => [pairKey(c.jobId, c.staffId, c.slotId), c]));
  const pairKeys = new Set<string>();
  const diff: ConflictDiff = { toOpen: [], toResolve: [], toRefresh: [], toOverride: [] };
  for (const pair of pairs) {
    const key = pairKey(pair.jobId, pair.staffId, pair.slotId);
    pairKeys.add(key);
    const existing = liveByKey.get(key);
    if (!existing) {
      diff.toOpen.push(pair);
      continue;
    }
    if (
      existing.jobStartsAt.getTime() !== pair.jobStartsAt.getTime() ||
      existing.jobEndsAt.getTime() !== pair.jobEndsAt.getTime() ||
      existing.slotStartsAt.getTime() !== pair.slotStartsAt.getTime() ||
      existing.slotEndsAt.getTime() !== pair.slotEndsAt.getTime()
    ) {
      diff.toRefresh.push({ conflict: existing, pair });
    }
    if (existing.status === 'open' && overrides.has(key)) diff.toOverride.push(existing);
  }
  for (const [key, conflict] of liveByKey) {
    if (!pairKeys.has(key)) diff.toResolve.push(conflict);
  }
  return diff;
}
