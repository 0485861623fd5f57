import { ApiError, parseCalendarDate } from '@calbridge/core';

/** Weekly working hours and dated exceptions: wall-clock times in the venue's zone. */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ClockRange {
  start: string;
  end: string;
}

export interface WorkingHours {
  weekly: Array<ClockRange & { day: Weekday }>;
  exceptions: Array<{ date: string; ranges: ClockRange[] }>;
}

/** ISO weekday number (1 = Monday) of a day name. */
export function isoWeekday(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}

export function weekdayOf(isoDay: number): Weekday {
  return WEEKDAYS[isoDay - 1];
}

function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
}

/**
 * Checks what the DTO cannot: each range ends after it starts, ranges of one day do not overlap,
 * dates are real and each appears once. Returns the hours sorted (days, then starts).
 * 400 INVALID_WORKING_HOURS otherwise, naming the offending entry.
 */
export function normalizeWorkingHours(input: WorkingHours): WorkingHours {
  const bad = (message: string, details: Record<string, unknown>) => ApiError.badRequest('INVALID_WORKING_HOURS', message, details);
  const checkDay = (ranges: ClockRange[], where: Record<string, unknown>) => {
    const sorted = [...ranges].sort((a, b) => minutes(a.start) - minutes(b.start));
    for (const [i, r] of sorted.entries()) {
      if (minutes(r.end) <= minutes(r.start)) throw bad(`${r.start}-${r.end}: the end must be later than the start`, { ...where, range: r });
      const prev = sorted[i - 1];
      if (prev && minutes(r.start) < minutes(prev.end)) {
        throw bad(`${prev.start}-${prev.end} and ${r.start}-${r.end} overlap`, { ...where, ranges: [prev, r] });
      }
    }
    return sorted;
  };
  const weekly = WEEKDAYS.flatMap((day) =>
    checkDay(
      input.weekly.filter((r) => r.day === day),
      { day },
    ).map((r) => ({ day, start: r.start, end: r.end })),
  );
  const seen = new Set<string>();
  const exceptions = [...input.exceptions]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((e) => {
      if (!parseCalendarDate(e.date)) throw bad(`${e.date} is not a date`, { date: e.date });
      if (seen.has(e.date)) throw bad(`${e.date} appears more than once`, { date: e.date });
      seen.add(e.date);
      return { date: e.date, ranges: checkDay(e.ranges, { date: e.date }).map((r) => ({ start: r.start, end: r.end })) };
    });
  return { weekly, exceptions };
}
