import { DateTime } from 'luxon';
import { TestSystem } from '../support/test-system';
import { feedPath, jobUid, poll } from './support/feeds';
import { assertWellFormed, parseWithIcalJs, parseWithNodeIcal } from './support/parse-calendar';

/** The first local day after `from` during which the zone's UTC offset changes (null for zones without DST). */
function nextOffsetChange(zone: string, from: DateTime): DateTime | null {
  let day = from.setZone(zone).startOf('day');
  for (let i = 0; i < 366; i++) {
    const next = day.plus({ days: 1 });
    if (next.offset !== day.offset) return day;
    day = next;
  }
  return null;
}

const localOf = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/**
 * End to end across zones: jobs created through the API around each venue's next DST change,
 * served over HTTP (by a process whose zone is none of the venues'), read back by ical.js and
 * node-ical at the right instants and wall-clock times.
 */
describe('feeds across time zones and DST changes', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true });
  });

  afterAll(() => system?.stop());

  it('runs in a process whose zone is none of the venues\'', () => {
    const offset = -new Date().getTimezoneOffset();
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
      expect(DateTime.now().setZone(zone).offset).not.toBe(offset);
    }
  });

  for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
    it(`keeps wall-clock times in ${zone} across its next DST change, and all-day jobs as dates`, async () => {
      const venue = await system.factory.venue({ name: `Venue in ${zone}`, timezone: zone });
      const staff = await system.factory.staff({ venueIds: [venue.id] });
      const change = nextOffsetChange(zone, DateTime.now().plus({ days: 2 }));
      // Kolkata has no DST: jobs a week apart at a half-hour offset.
      const pivot = change ?? DateTime.now().setZone(zone).startOf('day').plus({ days: 10 });
      // The day before the change (old offset), the day after (new offset), a week later.
      const specs = [
        { startsAt: pivot.minus({ days: 1 }).set({ hour: 9, minute: 0 }), minutes: 60 },
        { startsAt: pivot.plus({ days: 1 }).set({ hour: 9, minute: 30 }), minutes: 90 },
        { startsAt: pivot.plus({ days: 7 }).set({ hour: 17, minute: 45 }), minutes: 30 },
      ];
      const created: Array<{ id: string; startsAt: string; endsAt: string; allDay: boolean }> = [];
      for (const [i, spec] of specs.entries()) {
        const job = await system.factory.job({
          venueId: venue.id,
          title: `Job ${i}`,
          startsAt: spec.startsAt.toISO()!,
          endsAt: spec.startsAt.plus({ minutes: spec.minutes }).toISO()!,
          status: 'confirmed',
        });
        created.push(job);
      }
      // All day on the day of the change itself (23 or 25 hours long where DST changes).
      created.push(
        await system.factory.job({
          venueId: venue.id,
          title: 'Training day',
          startsAt: pivot.toISODate()!,
          endsAt: pivot.plus({ days: 1 }).toISODate()!,
          allDay: true,
          status: 'confirmed',
        }),
      );
      for (const job of created) await system.factory.assign(job.id, staff.id);

      const res = await poll(system, await feedPath(system, staff.id, venue.id));
      expect(res.status).toBe(200);
      assertWellFormed(res.text);
      expect(res.text).not.toMatch(/^TIMEZONE-ID/m);

      const { events } = parseWithIcalJs(res.text);
      const nodeEvents = parseWithNodeIcal(res.text);
      for (const job of created) {
        const parsed = events.find((e) => e.uid === jobUid(job.id))!;
        const viaNode = nodeEvents.get(jobUid(job.id))!;
        expect(parsed).toBeDefined();
        expect(viaNode).toBeDefined();
        if (job.allDay) {
          expect(parsed.allDay).toBe(true);
          expect(parsed.localStart).toBe(job.startsAt.slice(0, 10));
          expect(parsed.localEnd).toBe(job.endsAt.slice(0, 10));
          expect(viaNode.datetype).toBe('date');
        } else {
          expect(parsed.tzid).toBe(zone);
          expect(parsed.localStart).toBe(localOf(job.startsAt));
          expect(parsed.localEnd).toBe(localOf(job.endsAt));
          expect(parsed.start.getTime()).toBe(Date.parse(job.startsAt));
          expect(parsed.end.getTime()).toBe(Date.parse(job.endsAt));
          expect(viaNode.start.getTime()).toBe(Date.parse(job.startsAt));
          expect(viaNode.end!.getTime()).toBe(Date.parse(job.endsAt));
        }
      }
      if (change) {
        // The two jobs around the change have different UTC offsets but the same kind of wall clock.
        expect(DateTime.fromISO(created[0].startsAt, { setZone: true }).offset).not.toBe(DateTime.fromISO(created[1].startsAt, { setZone: true }).offset);
      }
    });
  }
});
