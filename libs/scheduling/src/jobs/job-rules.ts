import { ApiError, isLocalMidnight, JOB_STATUSES, parseCalendarDate, parseInstant, startOfLocalDate } from '@calbridge/core';

export { JOB_STATUSES };

export type JobStatus = (typeof JOB_STATUSES)[number];

const INACTIVE: ReadonlySet<JobStatus> = new Set(['cancelled', 'no_show']);

/** Active jobs block their staff's time; cancelled and no-show jobs do not. */
export function isActiveStatus(status: JobStatus): boolean {
  return !INACTIVE.has(status);
}

/** How a job shows in calendars (iCal feed and pushed events alike). */
export type CalendarStatus = 'confirmed' | 'tentative' | 'cancelled';

const TENTATIVE: ReadonlySet<JobStatus> = new Set(['pending', 'contingent']);

/** pending and contingent -> tentative; cancelled and no_show -> cancelled; every other status -> confirmed. */
export function calendarStatusOf(status: JobStatus): CalendarStatus {
  return !isActiveStatus(status) ? 'cancelled' : TENTATIVE.has(status) ? 'tentative' : 'confirmed';
}

/** Longest job accepted (a guard against typos such as a wrong year). */
export const MAX_JOB_DAYS = 31;

export interface JobTimesInput {
  startsAt: string;
  endsAt: string;
  allDay: boolean;
}

/**
 * Turns API times into instants. Timed jobs need ISO date-times with offsets. All-day jobs take
 * dates (`2026-03-29`) or local midnights in the venue's zone; `endsAt` is exclusive (a one-day
 * job on the 29th ends on the 30th), as in iCalendar and Google Calendar.
 */
export function resolveJobTimes(input: JobTimesInput, zone: string): { startsAt: Date; endsAt: Date } {
  const startsAt = resolveOne(input.startsAt, input.allDay, zone, 'startsAt');
  const endsAt = resolveOne(input.endsAt, input.allDay, zone, 'endsAt');
  if (endsAt <= startsAt) {
    throw ApiError.badRequest(
      'INVALID_TIME_RANGE',
      input.allDay
        ? 'endsAt must be later than startsAt (for all-day jobs endsAt is exclusive: a one-day job on 2026-03-29 ends 2026-03-30)'
        : 'endsAt must be later than startsAt',
      { startsAt: input.startsAt, endsAt: input.endsAt },
    );
  }
  if (endsAt.getTime() - startsAt.getTime() > MAX_JOB_DAYS * 86_400_000 + 3_600_000) {
    throw ApiError.badRequest('INVALID_TIME_RANGE', `A job may last at most ${MAX_JOB_DAYS} days`);
  }
  return { startsAt, endsAt };
}

function resolveOne(value: string, allDay: boolean, zone: string, field: string): Date {
  const date = parseCalendarDate(value);
  if (date) {
    if (!allDay) {
      throw ApiError.badRequest('INVALID_TIME', `${field}: a date without a time is only allowed for all-day jobs`, { field });
    }
    return startOfLocalDate(date, zone);
  }
  const instant = parseInstant(value);
  if (!instant) {
    throw ApiError.badRequest('INVALID_TIME', `${field} must be an ISO 8601 date-time with an offset`, { field });
  }
  if (allDay && !isLocalMidnight(instant, zone)) {
    throw ApiError.badRequest(
      'INVALID_ALL_DAY_RANGE',
      `${field}: all-day jobs start and end at midnight in the venue's time zone (${zone}); send a date such as 2026-03-29`,
      { field, timezone: zone },
    );
  }
  return instant;
}

/**
 * The UID of a job in the calendars of the people it is sent to by email (the customer, staff
 * who opted in): every invitation (REQUEST, CANCEL) and the booking page's "add to calendar"
 * file use it, so they stay one event there. (A staff member's feed and synced calendar carry
 * the job under their own UIDs.)
 */
export function jobInvitationUid(jobId: string): string {
  return `invitation-${jobId}@calbridge`;
}
