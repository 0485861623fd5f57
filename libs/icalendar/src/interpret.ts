import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

/** One interval an event blocks. */
export interface BusyInstance {
  /** Stable per occurrence: '' for single events, the recurrence id (UTC instant, or date for all-day series) for instances. */
  instanceKey: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
}

/** What `isOwn` sees of a VEVENT. */
export interface VEventView {
  uid: string;
  /** Has the VEVENT this property (name case-insensitive)? */
  has(property: string): boolean;
}

/** Upper bounds that keep a hostile or broken RRULE (FREQ=SECONDLY for a decade) cheap. */
const MAX_ITERATIONS = 100_000;
const MAX_INSTANCES_PER_EVENT = 5_000;

export interface InterpretOptions {
  window: { from: Date; to: Date };
  /** Zone for floating times and all-day dates when the calendar names none. */
  zone: string;
  /** The account's own addresses (mailto:...): an invitation they declined does not block. */
  userAddresses: string[];
  /** Events the caller wrote itself (they never block, and are not expanded): e.g. by UID domain or an X- marker. */
  isOwn?: (vevent: VEventView) => boolean;
}

export interface InterpretedObject {
  uid: string | null;
  ours: boolean;
  busy: BusyInstance[];
}

/**
 * Reads one calendar object resource (a VCALENDAR with one UID: a single event, or a recurring
 * master with its overridden instances) and returns the intervals it blocks inside the window.
 * Pure: no I/O, no global time-zone registry.
 */
export function interpretCalendarObject(ics: string, options: InterpretOptions): InterpretedObject {
  const root = new ICAL.Component(ICAL.parse(ics));
  const zones = new Map<string, ICAL.Timezone>();
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') zones.set(tzid, new ICAL.Timezone(vtimezone));
  }
  const vevents = root.getAllSubcomponents('vevent');
  if (!vevents.length) return { uid: null, ours: false, busy: [] };
  const uidOf = (v: ICAL.Component) => stringValue(v.getFirstPropertyValue('uid')) ?? '';
  const isOwn = options.isOwn;
  const ours = !!isOwn && vevents.some((v) => isOwn({ uid: uidOf(v), has: (name) => v.hasProperty(name.toLowerCase()) }));
  const uid = uidOf(vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0]) || null;
  if (ours) return { uid, ours, busy: [] };

  // One resource holds one UID (RFC 4791 4.1); be lenient with producers that bundle several.
  const groups = new Map<string, ICAL.Component[]>();
  for (const v of vevents) groups.set(uidOf(v), [...(groups.get(uidOf(v)) ?? []), v]);
  const ctx = new Context(zones, options);
  const busy: BusyInstance[] = [];
  for (const [groupUid, group] of groups) {
    const found = interpretSeries(ctx, group);
    const prefix = groups.size > 1 ? `${groupUid}|` : '';
    busy.push(...found.map((b) => ({ ...b, instanceKey: prefix + b.instanceKey })));
  }
  return { uid, ours, busy: dedupe(busy) };
}

/** A master (maybe recurring) with its overridden instances, or lone overridden instances. */
function interpretSeries(ctx: Context, vevents: ICAL.Component[]): BusyInstance[] {
  const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
  const overrides = vevents.filter((v) => v.hasProperty('recurrence-id'));
  const busy: BusyInstance[] = [];
  if (!master) {
    // Only overridden instances (an invitation to some occurrences): each stands alone.
    for (const override of overrides) ctx.single(override, ctx.recurrenceKey(override), busy);
    return busy;
  }
  const event = new ICAL.Event(master, { exceptions: overrides });
  if (!event.isRecurring()) ctx.single(master, '', busy);
  else ctx.recurring(event, master, overrides, busy);
  return busy;
}

class Context {
  private readonly from: number;
  private readonly to: number;
  private readonly addresses: Set<string>;

  constructor(
    private readonly zones: Map<string, ICAL.Timezone>,
    private options: InterpretOptions,
  ) {
    if (!IANAZone.isValidZone(options.zone)) this.options = { ...options, zone: 'UTC' };
    this.from = options.window.from.getTime();
    this.to = options.window.to.getTime();
    this.addresses = new Set(options.userAddresses.map(normalizeAddress));
  }

  /** A non-recurring event (or a lone overridden instance). */
  single(vevent: ICAL.Component, instanceKey: string, out: BusyInstance[]): void {
    if (!this.blocks(vevent)) return;
    const span = this.span(vevent);
    if (span && this.inWindow(span)) out.push({ instanceKey, ...span });
  }

  recurring(event: ICAL.Event, master: ICAL.Component, overrides: ICAL.Component[], out: BusyInstance[]): void {
    const masterSpan = this.span(master);
    if (!masterSpan) return;
    const duration = masterSpan.endsAt.getTime() - masterSpan.startsAt.getTime();
    const startProp = master.getFirstProperty('dtstart')!;
    const tzid = stringValue(startProp.getParameter('tzid'));
    const masterBlocks = this.blocks(master);
    const overridden = new Map(overrides.map((o) => [this.recurrenceKey(o), o]));
    const seen = new Set<string>();

    const iterator = event.iterator();
    let iterations = 0;
    let produced = 0;
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (++iterations > MAX_ITERATIONS || produced >= MAX_INSTANCES_PER_EVENT) break;
      const start = this.instant(next, tzid);
      if (start.getTime() >= this.to) break;
      const key = this.instanceKey(next, tzid);
      seen.add(key);
      const override = overridden.get(key);
      if (override) {
        if (!this.blocks(override)) continue;
        const span = this.span(override);
        if (span && this.inWindow(span)) {
          out.push({ instanceKey: key, ...span });
          produced++;
        }
        continue;
      }
      if (!masterBlocks) continue;
      const span = next.isDate
        ? this.allDaySpan(next, addDays(next, Math.round(duration / 86_400_000)))
        : { startsAt: start, endsAt: new Date(start.getTime() + duration), allDay: false };
      if (span.endsAt.getTime() > span.startsAt.getTime() && this.inWindow(span)) {
        out.push({ instanceKey: key, ...span });
        produced++;
      }
    }
    // Instances moved into the window from a date the iteration did not reach.
    for (const [key, override] of overridden) {
      if (seen.has(key) || !this.blocks(override)) continue;
      const span = this.span(override);
      if (span && this.inWindow(span)) out.push({ instanceKey: key, ...span });
    }
  }

  /** Does this component block time at all (status, transparency, the user's answer)? */
  blocks(vevent: ICAL.Component): boolean {
    const status = stringValue(vevent.getFirstPropertyValue('status'))?.toUpperCase();
    if (status === 'CANCELLED') return false;
    const transp = stringValue(vevent.getFirstPropertyValue('transp'))?.toUpperCase();
    if (transp === 'TRANSPARENT') return false;
    if (this.addresses.size) {
      for (const attendee of vevent.getAllProperties('attendee')) {
        const address = normalizeAddress(stringValue(attendee.getFirstValue()) ?? '');
        if (!this.addresses.has(address)) continue;
        const partstat = stringValue(attendee.getParameter('partstat'))?.toUpperCase();
        if (partstat === 'DECLINED') return false;
      }
    }
    return true;
  }

  /** Start and end of a component as instants (null when it takes no time). */
  span(vevent: ICAL.Component): { startsAt: Date; endsAt: Date; allDay: boolean } | null {
    const startProp = vevent.getFirstProperty('dtstart');
    if (!startProp) return null;
    const start = startProp.getFirstValue() as ICAL.Time;
    const endProp = vevent.getFirstProperty('dtend');
    const durationValue = vevent.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (start.isDate) {
      let end: ICAL.Time;
      if (endProp) end = endProp.getFirstValue() as ICAL.Time;
      else if (durationValue) {
        end = start.clone();
        end.addDuration(durationValue);
      } else end = addDays(start, 1);
      const span = this.allDaySpan(start, end);
      return span.endsAt > span.startsAt ? span : this.allDaySpan(start, addDays(start, 1));
    }
    const startsAt = this.instant(start, stringValue(startProp.getParameter('tzid')));
    let endsAt: Date;
    if (endProp) endsAt = this.instant(endProp.getFirstValue() as ICAL.Time, stringValue(endProp.getParameter('tzid')));
    else if (durationValue) endsAt = new Date(startsAt.getTime() + durationValue.toSeconds() * 1000);
    else return null; // a DTSTART-only timed event takes no time (RFC 5545 3.6.1)
    return endsAt > startsAt ? { startsAt, endsAt, allDay: false } : null;
  }

  /** All-day: whole days in the calendar's zone, end date exclusive. */
  allDaySpan(start: ICAL.Time, end: ICAL.Time): { startsAt: Date; endsAt: Date; allDay: true } {
    const zone = this.options.zone;
    const at = (t: ICAL.Time) => DateTime.fromObject({ year: t.year, month: t.month, day: t.day }, { zone }).toJSDate();
    return { startsAt: at(start), endsAt: at(end), allDay: true };
  }

  /** A DATE-TIME as an instant: UTC, a known IANA zone, the object's VTIMEZONE, or floating (the default zone). */
  instant(time: ICAL.Time, tzid: string | undefined): Date {
    if (time.isDate) return this.allDaySpan(time, time).startsAt;
    const fields = { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
    if (time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC') {
      return new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second));
    }
    if (tzid) {
      const iana = ianaZone(tzid);
      if (iana) return DateTime.fromObject(fields, { zone: iana }).toJSDate();
      const vtimezone = this.zones.get(tzid);
      if (vtimezone) {
        const local = new ICAL.Time(fields, vtimezone);
        return new Date(local.toUnixTime() * 1000);
      }
    }
    return DateTime.fromObject(fields, { zone: this.options.zone }).toJSDate();
  }

  /** Key of an overridden instance: its RECURRENCE-ID. */
  recurrenceKey(vevent: ICAL.Component): string {
    const prop = vevent.getFirstProperty('recurrence-id')!;
    return this.instanceKey(prop.getFirstValue() as ICAL.Time, stringValue(prop.getParameter('tzid')));
  }

  /** Stable key of an occurrence: the date for all-day series, the UTC instant otherwise. */
  instanceKey(time: ICAL.Time, tzid: string | undefined): string {
    if (time.isDate) return `${time.year}-${pad(time.month)}-${pad(time.day)}`;
    return this.instant(time, tzid).toISOString();
  }

  inWindow(span: { startsAt: Date; endsAt: Date }): boolean {
    return span.startsAt.getTime() < this.to && span.endsAt.getTime() > this.from;
  }
}

/** One interval per instance key (a broken object may repeat a RECURRENCE-ID), in time order. */
function dedupe(busy: BusyInstance[]): BusyInstance[] {
  const byKey = new Map<string, BusyInstance>();
  for (const b of busy) byKey.set(b.instanceKey, b);
  return [...byKey.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

function addDays(time: ICAL.Time, days: number): ICAL.Time {
  const t = time.clone();
  t.adjust(days, 0, 0, 0);
  return t;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function ianaZone(tzid: string): string | undefined {
  // Some producers prefix the zone, e.g. "/mozilla.org/20050126_1/Europe/Berlin".
  const candidate = tzid.replace(/^\/[^/]+\/[^/]+\//, '').trim();
  return IANAZone.isValidZone(candidate) ? candidate : undefined;
}

function normalizeAddress(value: string): string {
  return value.trim().replace(/^mailto:/i, '').toLowerCase();
}

function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  return String(value);
}
