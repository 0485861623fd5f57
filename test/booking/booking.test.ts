import { TestSystem } from '../support/test-system';
import { bookableVenue, customer, localAt } from './booking-fixture';

describe('self-booking: book, view, reschedule, cancel', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => system?.stop());

  it('books a free slot: customer, confirmed job and assignment in one go, audited with the customer as actor', async () => {
    const { venue, staff, service, admin } = await bookableVenue(system);
    const zone = venue.timezone;
    const from = localAt(zone, 3, '00:00');
    const to = localAt(zone, 4, '00:00');
    const avail = await system.http().get(`/public/venues/${venue.id}/availability?serviceId=${service.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).expect(200);
    expect(avail.body.timezone).toBe(zone);
    // 09:00..16:00 every 30 minutes: 15 starts, nothing about staff.
    expect(avail.body.slots).toHaveLength(15);
    expect(JSON.stringify(avail.body)).not.toContain(staff[0].id);
    expect(avail.body.slots[0]).toEqual({ startsAt: localAt(zone, 3, '09:00').replace(/\.\d{3}/, '.000'), endsAt: expect.any(String) });

    const startsAt = localAt(zone, 3, '10:00');
    const res = await system.http().post(`/public/venues/${venue.id}/bookings`, { serviceId: service.id, startsAt, customer: customer('a') }).expect(201);
    expect(res.body).toMatchObject({ bookingId: expect.any(String), jobId: expect.any(String), manageUrl: expect.stringContaining(`/book/${venue.id}#manage=`) });
    expect(new Date(res.body.startsAt).getTime()).toBe(new Date(startsAt).getTime());
    expect(new Date(res.body.endsAt).getTime() - new Date(res.body.startsAt).getTime()).toBe(3600_000);

    const job = await system.http(admin).get(`/v1/jobs/${res.body.jobId}`).expect(200);
    expect(job.body).toMatchObject({ status: 'confirmed', title: 'Haircut', service: 'Haircut', assignments: [{ staffId: staff[0].id, role: 'lead' }] });
    expect(job.body.customer).toMatchObject({ firstName: 'Sarah', lastName: 'Johnson a' });

    const audit = await system.http(admin).get(`/v1/audit?entityType=job&entityId=${res.body.jobId}`).expect(200);
    const actions = audit.body.items.map((e: { action: string; actor: { type: string; id: string } }) => [e.action, e.actor.type, e.actor.id]);
    expect(actions).toEqual(expect.arrayContaining([['job.created', 'customer', job.body.customerId], ['assignment.created', 'customer', job.body.customerId]]));

    // The slot is gone from the public answer.
    const after = await system.http().get(`/public/venues/${venue.id}/availability?serviceId=${service.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).expect(200);
    expect(after.body.slots.map((s: { startsAt: string }) => new Date(s.startsAt).getTime())).not.toContain(new Date(startsAt).getTime());

    // The same email books again: the customer is reused within the venue.
    const again = await system.http().post(`/public/venues/${venue.id}/bookings`, { serviceId: service.id, startsAt: localAt(zone, 3, '14:00'), customer: { ...customer('a'), lastName: 'Someone Else', email: 'SARAH.a@example.org' } }).expect(201);
    const second = await system.http(admin).get(`/v1/jobs/${again.body.jobId}`).expect(200);
    expect(second.body.customerId).toBe(job.body.customerId);
    expect(second.body.customer.lastName).toBe('Johnson a');
  });

  it('the manage link shows, moves and cancels the booking; then it is dead', async () => {
    const { venue, service, admin } = await bookableVenue(system);
    const zone = venue.timezone;
    const booked = await system.http().post(`/public/venues/${venue.id}/bookings`, { serviceId: service.id, startsAt: localAt(zone, 5, '11:00'), customer: customer('m') }).expect(201);
    const token = booked.body.manageToken;
    expect(booked.body.manageUrl.endsWith(`#manage=${token}`)).toBe(true);

    const view = await system.http().get(`/public/bookings/${token}`).expect(200);
    expect(view.body).toMatchObject({ bookingId: booked.body.bookingId, status: 'confirmed', service: { id: service.id, name: 'Haircut' }, venue: { id: venue.id }, canChange: true });
    expect(JSON.stringify(view.body)).not.toMatch(/staff/i);

    const moved = await system.http().post(`/public/bookings/${token}/reschedule`, { startsAt: localAt(zone, 6, '13:30') }).expect(200);
    expect(new Date(moved.body.startsAt).getTime()).toBe(new Date(localAt(zone, 6, '13:30')).getTime());
    const job = await system.http(admin).get(`/v1/jobs/${booked.body.jobId}`).expect(200);
    expect(new Date(job.body.startsAt).getTime()).toBe(new Date(localAt(zone, 6, '13:30')).getTime());

    // Moving onto itself (the booking's own time does not count as busy): an overlapping half-hour later.
    await system.http().post(`/public/bookings/${token}/reschedule`, { startsAt: localAt(zone, 6, '14:00') }).expect(200);

    const cancelled = await system.http().post(`/public/bookings/${token}/cancel`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    const cancelledJob = await system.http(admin).get(`/v1/jobs/${booked.body.jobId}`).expect(200);
    expect(cancelledJob.body.status).toBe('cancelled');
    const dead = await system.http().get(`/public/bookings/${token}`).expect(404);
    expect(dead.body.code).toBe('BOOKING_NOT_FOUND');
    await system.http().post(`/public/bookings/${token}/cancel`).expect(404);
    await system.http().post(`/public/bookings/${token}/reschedule`, { startsAt: localAt(zone, 7, '10:00') }).expect(404);

    const audit = await system.http(admin).get(`/v1/audit?entityType=booking&entityId=${booked.body.bookingId}`).expect(200);
    expect(audit.body.items.map((e: { action: string; actor: { type: string } }) => `${e.action}:${e.actor.type}`).sort()).toEqual([
      'booking.cancelled:customer',
      'booking.created:customer',
      'booking.rescheduled:customer',
      'booking.rescheduled:customer',
    ]);
    // The same changes as domain events in the outbox (for webhooks), with the venue they concern;
    // the job events that move the staff member's calendars and feeds are written alongside.
    const events = await system.dataSource.query(
      `SELECT event_type, venue_ids, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
      [booked.body.bookingId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['booking.created', 'booking.rescheduled', 'booking.rescheduled', 'booking.cancelled']);
    for (const e of events) expect(e.venue_ids).toEqual([venue.id]);
    expect(events[1].payload).toMatchObject({ jobId: booked.body.jobId, serviceId: service.id, previous: { startsAt: new Date(localAt(zone, 5, '11:00')).toISOString() } });
    const jobEvents = await system.dataSource.query(`SELECT event_type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [booked.body.jobId]);
    expect(jobEvents.map((e: { event_type: string }) => e.event_type)).toEqual(['job.created', 'job.assigned', 'job.rescheduled', 'job.rescheduled', 'job.status_changed']);
  });
});
