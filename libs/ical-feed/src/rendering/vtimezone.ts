import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

export interface VTimezone {
  /** The TZID the block declares (canonical: `US/Eastern` comes out as `America/New_York`). */
  tzid: string;
  /** `BEGIN:VTIMEZONE ... END:VTIMEZONE`, CRLF-separated, no trailing CRLF. */
  block: string;
}

const known = new Set(tzlib_get_timezones());
const memo = new Map<string, VTimezone | null>();

/**
 * The VTIMEZONE of an IANA zone from timezones-ical-library (a maintained, generated zone
 * database with each zone's DST rules), or null when the library does not know the zone (the
 * feed then falls back to UTC times for it, which are still correct instants).
 */
export function vtimezoneFor(zone: string): VTimezone | null {
  let hit = memo.get(zone);
  if (hit !== undefined) return hit;
  hit = null;
  if (known.has(zone) || zone.includes('/')) {
    const [block, tzidLine] = tzlib_get_ical_block(zone, false) as unknown as [string?, string?];
    const tzid = /^TZID=(.+)$/.exec(tzidLine ?? '')?.[1];
    if (block && tzid && block.startsWith('BEGIN:VTIMEZONE')) {
      hit = { tzid, block: block.replace(/\r?\n/g, '\r\n').trim() };
    }
  }
  memo.set(zone, hit);
  return hit;
}
