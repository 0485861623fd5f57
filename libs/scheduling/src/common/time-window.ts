import { ApiError, parseInstant } from '@calbridge/core';

export interface TimeWindow {
  from: Date;
  to: Date;
}

/** Parses `from`/`to` query parameters; 400 INVALID_TIME_WINDOW when absent, malformed, reversed or too long. */
export function parseTimeWindow(
  from: string | undefined,
  to: string | undefined,
  options: { maxDays: number; required?: boolean; defaultDays?: number },
): TimeWindow | undefined {
  if (from === undefined && to === undefined && !options.required) {
    if (!options.defaultDays) return undefined;
    const start = new Date();
    return { from: start, to: new Date(start.getTime() + options.defaultDays * 86_400_000) };
  }
  const start = parseInstant(from);
  const end = parseInstant(to);
  if (!start || !end) {
    throw ApiError.badRequest(
      'INVALID_TIME_WINDOW',
      'from and to must both be ISO 8601 date-times with an offset, e.g. 2026-03-29T00:00:00Z',
    );
  }
  if (end <= start) throw ApiError.badRequest('INVALID_TIME_WINDOW', 'to must be later than from');
  if (end.getTime() - start.getTime() > options.maxDays * 86_400_000) {
    throw ApiError.badRequest('INVALID_TIME_WINDOW', `The window may span at most ${options.maxDays} days`);
  }
  return { from: start, to: end };
}
