import { ApiError } from '@calbridge/core';
import { isoWeekday, normalizeWorkingHours, weekdayOf } from './working-hours';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.code : String(error);
  }
  return 'ok';
};

describe('working hours', () => {
  it('sorts days and ranges, keeps split shifts and 24:00', () => {
    const hours = normalizeWorkingHours({
      weekly: [
        { day: 'tue', start: '13:00', end: '24:00' },
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'tue', start: '08:00', end: '12:00' },
      ],
      exceptions: [
        { date: '2027-03-29', ranges: [] },
        { date: '2027-03-01', ranges: [{ start: '10:00', end: '11:00' }] },
      ],
    });
    expect(hours.weekly.map((r) => `${r.day} ${r.start}-${r.end}`)).toEqual(['mon 09:00-12:00', 'tue 08:00-12:00', 'tue 13:00-24:00']);
    expect(hours.exceptions.map((e) => e.date)).toEqual(['2027-03-01', '2027-03-29']);
  });

  it('refuses reversed or overlapping ranges, impossible and repeated dates', () => {
    const none = { weekly: [], exceptions: [] };
    expect(code(() => normalizeWorkingHours({ ...none, weekly: [{ day: 'mon', start: '17:00', end: '09:00' }] }))).toBe('INVALID_WORKING_HOURS');
    expect(
      code(() =>
        normalizeWorkingHours({
          ...none,
          weekly: [
            { day: 'fri', start: '09:00', end: '13:00' },
            { day: 'fri', start: '12:00', end: '18:00' },
          ],
        }),
      ),
    ).toBe('INVALID_WORKING_HOURS');
    expect(code(() => normalizeWorkingHours({ ...none, exceptions: [{ date: '2027-02-30', ranges: [] }] }))).toBe('INVALID_WORKING_HOURS');
    expect(
      code(() =>
        normalizeWorkingHours({
          ...none,
          exceptions: [
            { date: '2027-02-03', ranges: [] },
            { date: '2027-02-03', ranges: [] },
          ],
        }),
      ),
    ).toBe('INVALID_WORKING_HOURS');
    // Touching ranges are fine.
    expect(
      code(() =>
        normalizeWorkingHours({
          ...none,
          weekly: [
            { day: 'fri', start: '09:00', end: '12:00' },
            { day: 'fri', start: '12:00', end: '18:00' },
          ],
        }),
      ),
    ).toBe('ok');
  });

  it('maps day names to ISO weekdays', () => {
    expect(isoWeekday('mon')).toBe(1);
    expect(isoWeekday('sun')).toBe(7);
    expect(weekdayOf(3)).toBe('wed');
  });
});
