import { connectCaldav, ConnectionView, startSyncSystem, waitForPull } from '../calendar-sync/sync-fixture';
import { ics, icsProperty, icsUtc, Radicale } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { bookableVenue, BookableVenue, customer, localAt, startsOf } from './booking-fixture';

/** Connected calendars and self-booking (CalDAV, Radicale): pulled events remove slots, bookings reach the calendar. */
describe('self-booking with a connected calendar (Radicale)', () => {
  let radicale: Radicale;
  let system: TestSystem;
  let v: BookableVenue;
  let conn: ConnectionView;
  const carol = () => radicale.client('carol');
  const q = (s: string) => encodeURIComponent(s);

  beforeAll(async () => {
    radicale = await Radicale.start({ carol: 'carol-app-password' });
    await carol().mkcalendar('work', 'Work');
    system = await startSyncSystem({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
    v = await bookableVenue(system);
    const started = Date.now();
    conn = await connectCaldav(system, radicale, v.staff[0].id, 'carol', 'carol-app-password');
    await waitForPull(system, conn.id, started - 1, 'the first full sync');
  });

  afterAll(async () => {
    await system?.stop();
    await radicale?.stop();
  });

  const zone = () => v.venue.timezone;
  const publicSlots = async (days: number) =>
    startsOf(
      (
        await system
          .http()
          .get(`/public/venues/${v.venue.id}/availability?serviceId=${v.service.id}&from=${q(localAt(zone(), days, '00:00'))}&to=${q(localAt(zone(), days + 1, '00:00'))}`)
          .expect(200)
      ).body,
    );
  const t = (days: number, time: string) => new Date(localAt(zone(), days, time)).getTime();

  it('an event pulled from the calendar removes its slots; the booking is refused; deleting the event frees them', async () => {
    expect(await publicSlots(4)).toEqual(expect.arrayContaining([t(4, '09:30'), t(4, '10:00'), t(4, '10:30')]));
    await carol().put('work', 'dentist.ics', ics('UID:dentist', `DTSTART:${icsUtc(localAt(zone(), 4, '10:00'))}`, `DTEND:${icsUtc(localAt(zone(), 4, '11:00'))}`, 'SUMMARY:Dentist'));
    await waitFor(
      async () => {
        const slots = await publicSlots(4);
        for (const gone of ['09:30', '10:00', '10:30']) expect(slots).not.toContain(t(4, gone));
        expect(slots).toEqual(expect.arrayContaining([t(4, '09:00'), t(4, '11:00')]));
      },
      { what: 'the pulled event to remove its slots', timeoutMs: 20_000 },
    );
    const refused = await system
      .http()
      .post(`/public/venues/${v.venue.id}/bookings`, { serviceId: v.service.id, startsAt: localAt(zone(), 4, '10:00'), customer: customer('p') })
      .expect(409);
    expect(refused.body.code).toBe('SLOT_TAKEN');

    await carol().delete('work', 'dentist.ics');
    await waitFor(async () => expect(await publicSlots(4)).toContain(t(4, '10:00')), { what: 'the slots to come back', timeoutMs: 20_000 });
  });

  it("a booking appears in the staff member's calendar within seconds, moves with a reschedule and leaves with a cancellation", async () => {
    const booked = await system
      .http()
      .post(`/public/venues/${v.venue.id}/bookings`, { serviceId: v.service.id, startsAt: localAt(zone(), 5, '14:00'), customer: customer('cal') })
      .expect(201);
    const eventOf = async () => (await carol().objects('work')).find((o) => icsProperty(o.data, 'X-CALBRIDGE-JOB') === booked.body.jobId);
    const pushed = await waitFor(
      async () => {
        const o = await eventOf();
        expect(o).toBeDefined();
        return o!;
      },
      { what: 'the booking in the calendar', timeoutMs: 10_000 },
    );
    expect(pushed.data).toContain('Haircut');

    await system.http().post(`/public/bookings/${booked.body.manageToken}/reschedule`, { startsAt: localAt(zone(), 6, '15:00') }).expect(200);
    await waitFor(
      async () => {
        const o = await eventOf();
        expect(o?.data).toMatch(new RegExp(`DTSTART[^:]*:${localAt(zone(), 6, '15:00').slice(0, 10).replace(/-/g, '')}T150000`));
      },
      { what: 'the event to move', timeoutMs: 10_000 },
    );

    await system.http().post(`/public/bookings/${booked.body.manageToken}/cancel`).expect(200);
    await waitFor(async () => expect(await eventOf()).toBeUndefined(), { what: 'the event to leave', timeoutMs: 10_000 });
  });
});
