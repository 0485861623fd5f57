import { ApiError } from '@calbridge/core';
import { calendarStatusOf, isActiveStatus, resolveJobTimes } from './job-rules';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as ApiError).code;
  }
  return undefined;
};

describe('job rules', () => {
  it('cancelled and no_show are the only inactive statuses', () => {
    expect(isActiveStatus('cancelled')).toBe(false);
    expect(isActiveStatus('no_show')).toBe(false);
    for (const s of ['pending', 'confirmed', 'contingent', 'seeking_replacement', 'arrived', 'completed'] as const) {
      expect(isActiveStatus(s)).toBe(true);
    }
  });

  it('maps statuses to calendar statuses: tentative, cancelled, confirmed', () => {
    expect(calendarStatusOf('pending')).toBe('tentative');
    expect(calendarStatusOf('contingent')).toBe('tentative');
    expect(calendarStatusOf('cancelled')).toBe('cancelled');
    expect(calendarStatusOf('no_show')).toBe('cancelled');
    for (const s of ['confirmed', 'seeking_replacement', 'arrived', 'completed'] as const) expect(calendarStatusOf(s)).toBe('confirmed');
  });

  it('keeps timed jobs as the instants given', () => {
    const r = resolveJobTimes(
      { startsAt: '2026-03-29T10:00:00+02:00', endsAt: '2026-03-29T11:30:00+02:00', allDay: false },
      'Europe/Berlin',
    );
    expect(r.startsAt.toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(r.endsAt.toISOString()).toBe('2026-03-29T09:30:00.000Z');
  });

  it('turns all-day dates into local midnights, across a DST change', () => {
    // 2026-03-29 is the day Berlin moves to summer time: the day is 23 hours long.
    const r = resolveJobTimes({ startsAt: '2026-03-29', endsAt: '2026-03-30', allDay: true }, 'Europe/Berlin');
    expect(r.startsAt.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(r.endsAt.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('accepts local midnights for all-day jobs and refuses other times', () => {
    expect(
      resolveJobTimes(
        { startsAt: '2026-07-01T00:00:00-04:00', endsAt: '2026-07-02T00:00:00-04:00', allDay: true },
        'America/New_York',
      ).startsAt.toISOString(),
    ).toBe('2026-07-01T04:00:00.000Z');
    expect(
      codeOf(() =>
        resolveJobTimes({ startsAt: '2026-07-01T09:00:00-04:00', endsAt: '2026-07-02', allDay: true }, 'America/New_York'),
      ),
    ).toBe('INVALID_ALL_DAY_RANGE');
  });

  it('refuses dates for timed jobs, reversed ranges and absurd durations', () => {
    expect(codeOf(() => resolveJobTimes({ startsAt: '2026-07-01', endsAt: '2026-07-02', allDay: false }, 'UTC'))).toBe(
      'INVALID_TIME',
    );
    expect(
      codeOf(() =>
        resolveJobTimes({ startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T10:00:00Z', allDay: false }, 'UTC'),
      ),
    ).toBe('INVALID_TIME_RANGE');
    expect(codeOf(() => resolveJobTimes({ startsAt: '2026-07-01', endsAt: '2026-07-01', allDay: true }, 'UTC'))).toBe(
      'INVALID_TIME_RANGE',
    );
    expect(
      codeOf(() => resolveJobTimes({ startsAt: '2026-07-01T10:00:00Z', endsAt: '2027-07-01T10:00:00Z', allDay: false }, 'UTC')),
    ).toBe('INVALID_TIME_RANGE');
  });
});
