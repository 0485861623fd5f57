/** Pure merging of busy items into disjoint intervals. */

export interface BusyItem {
  type: 'job' | 'blocked_slot';
  id: string;
  startsAt: Date;
  endsAt: Date;
  /** For blocked slots: manual or external. */
  source?: string;
}

export interface BusyInterval {
  startsAt: Date;
  endsAt: Date;
  sources: BusyItem[];
}

/**
 * Merges overlapping or touching items (sorted or not) into disjoint intervals, each listing the
 * items it is made of. O(n log n).
 */
export function mergeBusy(items: readonly BusyItem[]): BusyInterval[] {
  const sorted = [...items].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.endsAt.getTime() - b.endsAt.getTime());
  const merged: BusyInterval[] = [];
  for (const item of sorted) {
    const last = merged[merged.length - 1];
    if (last && item.startsAt.getTime() <= last.endsAt.getTime()) {
      if (item.endsAt > last.endsAt) last.endsAt = item.endsAt;
      last.sources.push(item);
    } else {
      merged.push({ startsAt: item.startsAt, endsAt: item.endsAt, sources: [item] });
    }
  }
  return merged;
}
