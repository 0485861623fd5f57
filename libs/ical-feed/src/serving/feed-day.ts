import { DateTime } from 'luxon';

/**
 * Today's date in a zone, remembered until the zone's next midnight, so that the per-poll cost
 * of "which day is it at the venue" is a map lookup.
 */
export class FeedDayClock {
  private readonly days = new Map<string, { day: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  today(zone: string, t = this.now()): string {
    const hit = this.days.get(zone);
    if (hit && t < hit.until && t >= hit.until - 86_400_000 * 2) return hit.day;
    const local = DateTime.fromMillis(t, { zone });
    const day = local.toISODate()!;
    this.days.set(zone, { day, until: local.startOf('day').plus({ days: 1 }).toMillis() });
    return day;
  }
}
