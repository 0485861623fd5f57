import { vtimezoneFor, zoneForm } from './time-zones';

describe('zoneForm', () => {
  const families: Array<[string, string]> = [
    ['US/Eastern', 'America/New_York'],
    ['US/Central', 'America/Chicago'],
    ['US/Mountain', 'America/Denver'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['US/Alaska', 'America/Anchorage'],
    ['US/Hawaii', 'Pacific/Honolulu'],
    ['US/Arizona', 'America/Phoenix'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['GB', 'Europe/London'],
    ['Europe/Berlin', 'Europe/Berlin'],
  ];
  for (const [zone, canonical] of families) {
    it(`resolves ${zone} to a VTIMEZONE declaring ${canonical}`, () => {
      const vtz = vtimezoneFor(zone)!;
      expect(vtz.tzid).toBe(canonical);
      expect(vtz.block.startsWith(`BEGIN:VTIMEZONE\r\nTZID:${canonical}\r\n`)).toBe(true);
      expect(vtz.block.endsWith('END:VTIMEZONE')).toBe(true);
    });
  }

  for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Zulu']) {
    it(`writes ${zone} as UTC, without a VTIMEZONE`, () => {
      expect(zoneForm(zone)).toEqual({ kind: 'utc' });
      expect(vtimezoneFor(zone)).toBeNull();
    });
  }

  it('does not invent a VTIMEZONE for an unknown zone', () => {
    expect(zoneForm('Mars/Olympus_Mons')).toEqual({ kind: 'unknown' });
    expect(zoneForm('nonsense')).toEqual({ kind: 'unknown' });
  });
});
