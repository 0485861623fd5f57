import { RRule, RRuleSet } from 'rrule';
import {
  dateToFloating,
  floatingToDate,
  floatingToWall,
  instantToWall,
  isValidZone,
  wallToFloating,
  wallToInstant,
  type Wall,
} from './time';

/**
 * RFC 5545 recurrence expansion with honest time zones. Rules are evaluated on "floating" wall
 * clocks (the rrule library's UTC arithmetic standing in for local time), then each occurrence is
 * placed in the series' zone — so a 10:00 Berlin weekly meeting stays at 10:00 across DST.
 */

export type SeriesStart = { kind: 'timed'; wall: Wall; zone: string } | { kind: 'date'; date: string };

export interface Occurrence {
  /** Timed: the instant of the original start. All-day: midnight in the zone used for dates. */
  startMs: number;
  /** Timed series: the wall clock of the original start in the series' zone. */
  wall?: Wall;
  /** All-day series: the original date. */
  date?: string;
}

export class RecurrenceError extends Error {}

const MAX_EXPANSION = 10_000;

/**
 * Validates recurrence lines (RRULE, EXRULE, RDATE, EXDATE) and builds the rule set.
 * `includeStart`: the series' own start is an occurrence even when the rule would not produce it
 * (RFC 5545 3.8.5.3 counts DTSTART as the first instance; Google behaves so).
 */
export function buildRuleSet(lines: string[], start: SeriesStart, { includeStart = true } = {}): RRuleSet {
  const set = new RRuleSet();
  const dtstart =
    start.kind === 'timed' ? new Date(wallToFloating(start.wall)) : new Date(dateToFloating(start.date));
  let sawRule = false;
  for (const rawLine of lines) {
    const line = rawLine.trim();
    const colon = line.indexOf(':');
    if (colon < 0) throw new RecurrenceError(`Invalid recurrence rule: ${line}`);
    const [name, ...paramParts] = line.slice(0, colon).split(';');
    const params = Object.fromEntries(
      paramParts.map((p) => {
        const [k, v = ''] = p.split('=');
        return [k.toUpperCase(), v];
      }),
    );
    const value = line.slice(colon + 1);
    switch (name.toUpperCase()) {
      case 'RRULE':
      case 'EXRULE': {
        let options;
        try {
          options = RRule.parseString(value);
        } catch {
          throw new RecurrenceError(`Invalid recurrence rule: ${line}`);
        }
        if (options.freq === undefined) throw new RecurrenceError(`Invalid recurrence rule: ${line}`);
        const untilText = /UNTIL=([0-9TZ]+)/i.exec(value)?.[1];
        if (options.until && untilText) options.until = floatingUntil(untilText, start);
        const rule = new RRule({ ...options, dtstart, tzid: undefined });
        if (name.toUpperCase() === 'RRULE') {
          set.rrule(rule);
          sawRule = true;
        } else set.exrule(rule);
        break;
      }
      case 'RDATE':
      case 'EXDATE':
        for (const item of value.split(',')) {
          const floating = floatingValue(item.trim(), params.TZID, start);
          if (floating === undefined) throw new RecurrenceError(`Invalid recurrence date: ${line}`);
          if (name.toUpperCase() === 'RDATE') {
            set.rdate(new Date(floating));
            sawRule = true;
          } else set.exdate(new Date(floating));
        }
        break;
      default:
        throw new RecurrenceError(`Invalid recurrence rule: ${line}`);
    }
  }
  if (!sawRule) throw new RecurrenceError('A recurrence needs at least one RRULE or RDATE.');
  if (includeStart) set.rdate(dtstart);
  return set;
}

/**
 * Occurrences whose original start lies in [fromMs, toMs) (instants). `dateZone` places all-day
 * occurrences on the time line. At most `limit` occurrences.
 */
export function expand(
  set: RRuleSet,
  start: SeriesStart,
  fromMs: number,
  toMs: number,
  { dateZone, limit = 2500 }: { dateZone: string; limit?: number },
): Occurrence[] {
  if (toMs <= fromMs) return [];
  const zone = start.kind === 'timed' ? start.zone : dateZone;
  const day = 86_400_000;
  const floatingFrom = wallToFloating(instantToWall(fromMs, zone)) - day;
  const floatingTo = wallToFloating(instantToWall(toMs, zone)) + day;
  const out: Occurrence[] = [];
  const cap = Math.min(limit, MAX_EXPANSION);
  for (const d of set.between(new Date(floatingFrom), new Date(floatingTo), true)) {
    const floating = d.getTime();
    let occurrence: Occurrence;
    if (start.kind === 'timed') {
      const wall = floatingToWall(floating);
      occurrence = { startMs: wallToInstant(wall, zone), wall };
    } else {
      const date = floatingToDate(floating);
      occurrence = { startMs: wallToInstant(floatingToWall(dateToFloating(date)), zone), date };
    }
    if (occurrence.startMs < fromMs || occurrence.startMs >= toMs) continue;
    out.push(occurrence);
    if (out.length >= cap) break;
  }
  return out;
}

/** Whether the rule set has an occurrence starting exactly at this original start. */
export function hasOccurrence(set: RRuleSet, start: SeriesStart, original: { wall?: Wall; date?: string }): boolean {
  const floating =
    start.kind === 'timed' && original.wall
      ? wallToFloating(original.wall)
      : original.date
        ? dateToFloating(original.date)
        : undefined;
  if (floating === undefined) return false;
  const found = set.between(new Date(floating - 1000), new Date(floating + 1000), true);
  return found.some((d) => d.getTime() === floating);
}

/** The last original start of a finite series (UNTIL/COUNT), or undefined when it never ends. */
export function lastOccurrenceFloating(set: RRuleSet): number | undefined {
  const rules = set.rrules();
  if (rules.some((r) => !r.options.until && !r.options.count)) return undefined;
  let last: number | undefined;
  for (const d of set.all((_, i) => i < MAX_EXPANSION)) last = d.getTime();
  return last;
}

function floatingUntil(text: string, start: SeriesStart): Date {
  const upper = text.toUpperCase();
  if (upper.length === 8) {
    const floating = dateToFloating(`${upper.slice(0, 4)}-${upper.slice(4, 6)}-${upper.slice(6, 8)}`);
    // A date UNTIL includes that whole day.
    return new Date(start.kind === 'timed' ? floating + 86_399_000 : floating);
  }
  const wall = basicWall(upper.replace('Z', ''));
  if (!wall) throw new RecurrenceError(`Invalid UNTIL: ${text}`);
  if (upper.endsWith('Z') && start.kind === 'timed') {
    return new Date(wallToFloating(instantToWall(wallToFloating(wall), start.zone)));
  }
  return new Date(wallToFloating(wall));
}

function floatingValue(text: string, tzid: string | undefined, start: SeriesStart): number | undefined {
  const upper = text.toUpperCase();
  if (upper.length === 8) {
    return dateToFloating(`${upper.slice(0, 4)}-${upper.slice(4, 6)}-${upper.slice(6, 8)}`);
  }
  const wall = basicWall(upper.replace('Z', ''));
  if (!wall) return undefined;
  if (start.kind === 'date') return dateToFloating(`${upper.slice(0, 4)}-${upper.slice(4, 6)}-${upper.slice(6, 8)}`);
  let instant: number;
  if (upper.endsWith('Z')) instant = wallToFloating(wall);
  else if (tzid && isValidZone(tzid)) instant = wallToInstant(wall, tzid);
  else return wallToFloating(wall);
  return wallToFloating(instantToWall(instant, start.zone));
}

function basicWall(text: string): Wall | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millisecond: 0,
  };
}
