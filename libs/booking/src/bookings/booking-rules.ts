import { ApiError } from '@calbridge/core';
import { DateTime } from 'luxon';

/** The part of a venue's booking policy the rules need. */
export interface BookingPolicy {
  timezone: string;
  minNoticeMinutes: number;
  horizonDays: number;
  slotIntervalMinutes: number;
  cancellationCutoffMinutes: number;
}

/**
 * A requested start the page could have offered: on the venue's grid (local midnight plus
 * multiples of the interval), no sooner than the notice, within the horizon. 422
 * SLOT_NOT_BOOKABLE otherwise (whether it is free is the availability query's answer).
 */
export function assertOfferableStart(startsAt: Date, policy: BookingPolicy, now: Date): void {
  const local = DateTime.fromJSDate(startsAt, { zone: policy.timezone });
  const minuteOfDay = local.hour * 60 + local.minute;
  const reason =
    local.second !== 0 || local.millisecond !== 0 || minuteOfDay % policy.slotIntervalMinutes !== 0
      ? `slots start every ${policy.slotIntervalMinutes} minutes from midnight (${policy.timezone})`
      : startsAt.getTime() < now.getTime() + policy.minNoticeMinutes * 60_000
        ? `bookings need ${policy.minNoticeMinutes} minutes' notice`
        : startsAt.getTime() >= now.getTime() + policy.horizonDays * 86_400_000
          ? `bookings are taken at most ${policy.horizonDays} days ahead`
          : null;
  if (reason) throw ApiError.unprocessable('SLOT_NOT_BOOKABLE', `This start cannot be booked: ${reason}`, { reason });
}

/** Customers may change or cancel until `cancellationCutoffMinutes` before the start. */
export function changeableUntil(startsAt: Date, policy: Pick<BookingPolicy, 'cancellationCutoffMinutes'>): Date {
  return new Date(startsAt.getTime() - policy.cancellationCutoffMinutes * 60_000);
}

export function assertBeforeCutoff(startsAt: Date, policy: Pick<BookingPolicy, 'cancellationCutoffMinutes'>, now: Date): void {
  const until = changeableUntil(startsAt, policy);
  if (now.getTime() > until.getTime()) {
    throw ApiError.unprocessable(
      'CANCELLATION_CUTOFF',
      `This booking can no longer be changed or cancelled online (until ${policy.cancellationCutoffMinutes} minutes before it starts); please contact the venue`,
      { changeableUntil: until.toISOString() },
    );
  }
}

/** The venue-local day of an instant, as [start, end) instants (23 or 25 hours long on DST days). */
export function localDay(instant: Date, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromJSDate(instant, { zone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}

export function slotTaken(startsAt: string): ApiError {
  return ApiError.conflict('SLOT_TAKEN', 'This time is no longer free; please pick another slot', { startsAt });
}
