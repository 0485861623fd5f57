import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

export interface VTimezone {
  /** The TZID the block declares: canonical (`US/Eastern` comes out as `America/New_York`). */
  tzid: string;
  /** `BEGIN:VTIMEZONE ... END:VTIMEZONE`, CRLF-separated, no trailing CRLF. */
  block: string;
}

/**
 * How a zone is written in iCalendar: `utc` for the UTC family (times end in `Z`, no
 * VTIMEZONE), `zoned` with the VTIMEZONE whose TZID every DTSTART/DTEND must then name, or
 * `unknown` (timezones-ical-library does not know the zone: callers write UTC times, which are
 * still the right instants).
 */
export type ZoneForm = { kind: 'utc' } | { kind: 'zoned'; vtimezone: VTimezone } | { kind: 'unknown' };

const UTC_ZONES = /^(?:Etc\/)?(?:UTC|UCT|GMT|GMT[+-]?0|Universal|Zulu|Greenwich)$/i;
const known = new Set(tzlib_get_timezones());
const memo = new Map<string, ZoneForm>();

/**
 * Resolves an IANA zone name, aliases included (`US/*`, `Asia/Calcutta`, `Europe/Kiev`, `GB`,
 * `UTC`/`Etc/UTC`), to how it is written. The VTIMEZONE (with the zone's DST rules) comes from
 * timezones-ical-library, a maintained zone database generated from tzdata; its TZID is the
 * canonical name, so an event must use `vtimezone.tzid`, never the name it was given.
 */
export function zoneForm(zone: string): ZoneForm {
  let hit = memo.get(zone);
  if (hit) return hit;
  hit = resolve(zone);
  memo.set(zone, hit);
  return hit;
}

/** The VTIMEZONE of a zone (canonical TZID), or null for the UTC family and unknown zones. */
export function vtimezoneFor(zone: string): VTimezone | null {
  const form = zoneForm(zone);
  return form.kind === 'zoned' ? form.vtimezone : null;
}

function resolve(zone: string): ZoneForm {
  if (UTC_ZONES.test(zone)) return { kind: 'utc' };
  if (!known.has(zone)) return { kind: 'unknown' };
  let block: string | undefined;
  let tzidLine: string | undefined;
  try {
    [block, tzidLine] = tzlib_get_ical_block(zone, false) as unknown as [string?, string?];
  } catch {
    return { kind: 'unknown' };
  }
  const tzid = /^TZID=(.+)$/.exec(tzidLine ?? '')?.[1];
  if (!block || !tzid || !block.startsWith('BEGIN:VTIMEZONE')) return { kind: 'unknown' };
  if (UTC_ZONES.test(tzid)) return { kind: 'utc' };
  return { kind: 'zoned', vtimezone: { tzid, block: block.replace(/\r?\n/g, '\r\n').trim() } };
}
