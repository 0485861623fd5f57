import { dueForRenewal } from './channels.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.parse('2026-03-01T12:00:00Z');
const channel = (startedHoursAgo: number, expiresInHours: number) => ({
  created_at: new Date(now - startedHoursAgo * HOUR),
  expires_at: new Date(now + expiresInHours * HOUR),
});

describe('dueForRenewal', () => {
  it('renews within the renewal window (three pull intervals, at least an hour)', () => {
    expect(dueForRenewal(channel(24, 6 * 24), now, HOUR)).toBe(false); // a Google channel, days left
    expect(dueForRenewal(channel(6 * 24, 0.5), now, HOUR)).toBe(true);
    expect(dueForRenewal(channel(1, -1), now, HOUR)).toBe(true); // expired
  });

  it('does not renew a short-term channel at every pull when the window is longer than its term', () => {
    // A Graph subscription (~70 h) with daily pulls (window 3 days): renewed once half its term is gone.
    const window = 3 * DAY;
    expect(dueForRenewal(channel(0.1, 70), now, window)).toBe(false);
    expect(dueForRenewal(channel(30, 40), now, window)).toBe(false);
    expect(dueForRenewal(channel(40, 30), now, window)).toBe(true);
  });

  it('still renews a channel with less than an hour left, however short its term', () => {
    expect(dueForRenewal(channel(0.01, 1 / 60), now, HOUR)).toBe(true);
    expect(dueForRenewal(channel(0.01, 0), now, 3 * DAY)).toBe(true);
  });
});
