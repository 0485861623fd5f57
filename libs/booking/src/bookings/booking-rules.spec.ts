import { ApiError } from '@calbridge/core';
import { assertBeforeCutoff, assertOfferableStart, BookingPolicy, localDay } from './booking-rules';

const policy: BookingPolicy = {
  timezone: 'Europe/Berlin',
  minNoticeMinutes: 120,
  horizonDays: 60,
  slotIntervalMinutes: 15,
  cancellationCutoffMinutes: 1440,
};
const now = new Date('2027-03-25T08:00:00Z');
const codeOf = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return error instanceof ApiError ? `${error.code}: ${String(error.details?.reason ?? '')}` : String(error);
  }
};

describe('booking rules', () => {
  it('accepts starts on the local grid within notice and horizon', () => {
    expect(codeOf(() => assertOfferableStart(new Date('2027-03-26T09:15:00+01:00'), policy, now))).toBe('ok');
    // After the spring-forward switch the grid is still local: 09:45 CEST.
    expect(codeOf(() => assertOfferableStart(new Date('2027-03-29T09:45:00+02:00'), policy, now))).toBe('ok');
  });

  it('refuses off-grid starts, too little notice and beyond the horizon', () => {
    expect(codeOf(() => assertOfferableStart(new Date('2027-03-26T09:10:00+01:00'), policy, now))).toMatch(/^SLOT_NOT_BOOKABLE: slots start/);
    expect(codeOf(() => assertOfferableStart(new Date('2027-03-25T09:30:00Z'), policy, now))).toMatch(/notice/);
    expect(codeOf(() => assertOfferableStart(new Date('2027-05-25T08:00:00Z'), policy, now))).toMatch(/ahead/);
  });

  it('lets customers change until the cut-off only', () => {
    const start = new Date('2027-03-26T08:00:00Z');
    expect(codeOf(() => assertBeforeCutoff(start, policy, now))).toBe('ok');
    expect(codeOf(() => assertBeforeCutoff(start, policy, new Date('2027-03-25T08:00:01Z')))).toMatch(/^CANCELLATION_CUTOFF/);
  });

  it('knows 23- and 25-hour local days', () => {
    const spring = localDay(new Date('2027-03-28T12:00:00Z'), 'Europe/Berlin');
    expect((spring.to.getTime() - spring.from.getTime()) / 3_600_000).toBe(23);
    const autumn = localDay(new Date('2027-11-07T12:00:00Z'), 'America/New_York');
    expect((autumn.to.getTime() - autumn.from.getTime()) / 3_600_000).toBe(25);
  });
});
