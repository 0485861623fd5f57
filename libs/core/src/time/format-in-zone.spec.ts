import { DateTime } from 'luxon';
import { formatInZone } from './time';

/** formatInZone takes a fast path (offsets remembered per quarter hour); it must equal luxon's own answer everywhere. */
describe('formatInZone', () => {
  const zones = [
    'Europe/Berlin', 'America/New_York', 'US/Eastern', 'Asia/Kolkata', 'Asia/Calcutta', 'Australia/Lord_Howe',
    'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Europe/London', 'GB', 'UTC', 'utc', 'GMT', 'Etc/UTC',
    'Etc/GMT+5', 'Africa/Casablanca', 'America/Sao_Paulo', 'Pacific/Apia', 'Antarctica/Troll',
  ];
  const luxon = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: false });

  it('equals luxon every 97 minutes 13 seconds across two years', () => {
    const mismatches: string[] = [];
    for (const zone of zones) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2028, 0, 1); t += 5_833_017) {
        const d = new Date(t);
        if (formatInZone(d, zone) !== luxon(d, zone)) mismatches.push(`${zone} ${d.toISOString()}: ${formatInZone(d, zone)} != ${luxon(d, zone)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('equals luxon on every second around a DST switch (Berlin, New York, Lord Howe’s half hour)', () => {
    const switches: Array<[string, number]> = [
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 1)],
      ['Europe/Berlin', Date.UTC(2026, 9, 25, 1)],
      ['America/New_York', Date.UTC(2026, 2, 8, 7)],
      ['America/New_York', Date.UTC(2026, 10, 1, 6)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)],
    ];
    const mismatches: string[] = [];
    for (const [zone, at] of switches) {
      for (let t = at - 20 * 60_000; t <= at + 20 * 60_000; t += 1_000) {
        const d = new Date(t + 1);
        if (formatInZone(d, zone) !== luxon(d, zone)) mismatches.push(`${zone} ${d.toISOString()}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('falls back to luxon for years outside 1000-9999 and for zones it does not know', () => {
    for (const d of [new Date(Date.UTC(999, 0, 1)), new Date(Date.UTC(10000, 0, 1)), new Date('0001-01-01T00:00:00Z')]) {
      expect(formatInZone(d, 'Europe/Berlin')).toBe(luxon(d, 'Europe/Berlin'));
    }
    expect(formatInZone(new Date(0), 'Not/AZone')).toBe(new Date(0).toISOString());
  });
});
