import { dayKey, formatRange, formatTime, fromFloating, fromLocalInput, toFloating, weekWindow, zoneLabel } from './time';

describe('venue times', () => {
  it('shows a New York job in New York time whatever the reader', () => {
    // 16:30 in New York is 22:30 in Berlin: the board must say 16:30 and name the zone.
    expect(formatTime('2026-12-07T21:30:00Z', 'America/New_York')).toBe('16:30');
    expect(formatTime('2026-12-07T22:30:00+01:00', 'America/New_York')).toBe('16:30');
    expect(zoneLabel('America/New_York', '2026-12-07T21:30:00Z')).toBe('New York time (EST)');
    expect(zoneLabel('America/New_York', '2026-07-07T21:30:00Z')).toBe('New York time (EDT)');
  });

  it('formats ranges on one day and across midnight', () => {
    expect(formatRange('2026-12-07T09:00:00Z', '2026-12-07T10:00:00Z', 'Europe/Berlin')).toBe('Mon 7 Dec, 10:00–11:00');
    expect(formatRange('2026-12-07T22:00:00Z', '2026-12-08T01:00:00Z', 'Europe/Berlin')).toBe('Mon 7 Dec 23:00 – Tue 8 Dec 02:00');
  });

  it('groups by the venue calendar day, not UTC', () => {
    expect(dayKey('2026-12-07T23:30:00Z', 'Europe/Berlin')).toBe('2026-12-08');
    expect(dayKey('2026-12-08T03:30:00Z', 'America/New_York')).toBe('2026-12-07');
  });

  it('round-trips the calendar component floating times across the DST change', () => {
    // 29 March 2026: Berlin goes from +01:00 to +02:00 at 02:00.
    for (const iso of ['2026-03-28T10:00:00+01:00', '2026-03-29T10:00:00+02:00', '2026-03-29T01:30:00+01:00']) {
      const floating = toFloating(iso, 'Europe/Berlin');
      // The component hands out local Dates whose local fields are the wall clock.
      const [d, t] = floating.split('T');
      const [y, mo, da] = d.split('-').map(Number);
      const [h, mi, se] = t.split(':').map(Number);
      const asComponentDate = new Date(y, mo - 1, da, h, mi, se);
      expect(new Date(fromFloating(asComponentDate, 'Europe/Berlin')).getTime()).toBe(new Date(iso).getTime());
    }
    expect(toFloating('2026-03-29T08:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T10:00:00');
  });

  it('reads a datetime-local value as the venue wall clock', () => {
    expect(fromLocalInput('2026-07-01T09:15', 'America/New_York')).toBe('2026-07-01T09:15:00-04:00');
    expect(fromLocalInput('', 'America/New_York')).toBeNull();
    expect(fromLocalInput('garbage', 'America/New_York')).toBeNull();
  });

  it('starts the week on Monday in the venue zone', () => {
    const w = weekWindow('2026-12-06T23:30:00Z', 'Europe/Berlin'); // Monday 00:30 in Berlin
    expect(w.from).toBe('2026-12-07T00:00:00.000+01:00');
    expect(w.to).toBe('2026-12-14T00:00:00.000+01:00');
  });
});
