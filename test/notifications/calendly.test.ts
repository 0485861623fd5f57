import { calendlySignatureHeader } from '@calbridge/notifications';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TestSystem } from '../support/test-system';

const KEY = 'calendly-test-signing-key-0123456789';

/** A Calendly API v2 webhook body as Calendly documents it (only what matters varies). */
function calendlyBody(
  event: 'invitee.created' | 'invitee.canceled',
  over: { inviteeUri: string; email: string; name?: string; host?: string; start: string; end: string; eventName?: string; location?: object },
): string {
  const eventUri = `https://api.calendly.com/scheduled_events/${over.inviteeUri.split('/').pop()}-EV`;
  return JSON.stringify({
    created_at: new Date().toISOString(),
    created_by: 'https://api.calendly.com/users/AAAAAAAAAAAAAAAA',
    event,
    payload: {
      cancel_url: 'https://calendly.com/cancellations/AAAAAAAAAAAAAAAA',
      created_at: new Date().toISOString(),
      email: over.email,
      event: eventUri,
      name: over.name ?? 'Grace Hopper',
      first_name: null,
      last_name: null,
      new_invitee: null,
      old_invitee: null,
      questions_and_answers: [],
      reschedule_url: 'https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA',
      rescheduled: false,
      status: event === 'invitee.created' ? 'active' : 'canceled',
      text_reminder_number: '+1 404-555-1234',
      timezone: 'America/New_York',
      tracking: { utm_campaign: null, utm_source: null },
      updated_at: new Date().toISOString(),
      uri: over.inviteeUri,
      ...(event === 'invitee.canceled' ? { cancellation: { canceled_by: 'Grace Hopper', reason: 'conflict', canceler_type: 'invitee' } } : {}),
      scheduled_event: {
        uri: eventUri,
        name: over.eventName ?? 'Consultation (30 min)',
        status: event === 'invitee.created' ? 'active' : 'canceled',
        start_time: over.start,
        end_time: over.end,
        event_type: 'https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2',
        location: over.location ?? { type: 'physical', location: 'Front desk' },
        invitees_counter: { total: 1, active: 1, limit: 1 },
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
        event_memberships: over.host ? [{ user: 'https://api.calendly.com/users/HOST', user_email: over.host, user_name: 'Host' }] : [],
        event_guests: [],
      },
    },
  });
}

describe('Calendly in (POST /webhooks/calendly)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { CALENDLY_WEBHOOK_SIGNING_KEY: KEY } });
  });
  afterAll(async () => system?.stop());

  const post = (venueId: string | null, body: string, signature: string | null = calendlySignatureHeader(body, KEY)) => {
    const req = request(system.api!.getHttpServer())
      .post(`/webhooks/calendly${venueId ? `?venueId=${venueId}` : ''}`)
      .set('Content-Type', 'application/json');
    if (signature !== null) req.set('Calendly-Webhook-Signature', signature);
    return req.send(body);
  };
  const admin = () => system.http(system.adminToken());
  const inviteeUri = () => `https://api.calendly.com/scheduled_events/${randomUUID()}/invitees/${randomUUID()}`;
  const count = async (sql: string, params: unknown[] = []) => Number((await system.dataSource.query(sql, params))[0].n);

  it('turns invitee.created into a confirmed job: customer reused by email, event type as service, assigned to the host', async () => {
    const { venue, staff } = await system.factory.team(1, { timezone: 'America/New_York' });
    const host = staff[0];
    const existing = await system.factory.customer({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', venueId: venue.id });
    const uri = inviteeUri();
    const body = calendlyBody('invitee.created', {
      inviteeUri: uri,
      email: 'Grace@Example.com',
      host: host.email.toUpperCase(),
      start: '2027-03-15T14:00:00.000000Z',
      end: '2027-03-15T14:30:00.000000Z',
    });
    const res = await post(venue.id, body).expect(200);
    expect(res.body).toEqual({ status: 'created', jobId: expect.any(String), staffId: host.id });

    const job = (await admin().get(`/v1/jobs/${res.body.jobId}`).expect(200)).body;
    expect(job).toMatchObject({
      venueId: venue.id,
      title: 'Consultation (30 min)',
      service: 'Consultation (30 min)',
      customerId: existing.id,
      location: 'Front desk',
      status: 'confirmed',
      startsAt: '2027-03-15T10:00:00.000-04:00',
      endsAt: '2027-03-15T10:30:00.000-04:00',
    });
    expect(job.assignments).toEqual([expect.objectContaining({ staffId: host.id, role: 'lead' })]);
    const events = await system.dataSource.query(`SELECT event_type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [job.id]);
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['job.created', 'job.assigned']);
    const audit = await system.dataSource.query(`SELECT actor_type, actor_id, action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [job.id]);
    expect(audit[0]).toMatchObject({ actor_type: 'system', actor_id: 'calendly', action: 'job.created' });

    // The host sees it in their calendar feed.
    const feed = (await system.http(system.staffToken(host.id)).get(`/v1/staff/${host.id}/feeds`).expect(200)).body[0];
    const ics = await system.http().get(new URL(feed.url).pathname).expect(200);
    expect(ics.text).toContain('Consultation (30 min)');
    expect(ics.text).toContain(`DTSTART;TZID=America/New_York:20270315T100000`);

    // Calendly retries deliveries: the same invitee again (a fresh signature) changes nothing.
    const again = await post(venue.id, body).expect(200);
    expect(again.body).toEqual({ status: 'duplicate', jobId: res.body.jobId });
    expect(await count(`SELECT count(*) AS n FROM jobs WHERE venue_id = $1`, [venue.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM customers WHERE lower(email) = 'grace@example.com'`)).toBe(1);

    // invitee.canceled cancels it, once.
    const cancelBody = calendlyBody('invitee.canceled', {
      inviteeUri: uri,
      email: 'grace@example.com',
      start: '2027-03-15T14:00:00.000000Z',
      end: '2027-03-15T14:30:00.000000Z',
    });
    expect((await post(venue.id, cancelBody).expect(200)).body).toEqual({ status: 'canceled', jobId: res.body.jobId });
    expect((await admin().get(`/v1/jobs/${res.body.jobId}`).expect(200)).body.status).toBe('cancelled');
    expect((await post(venue.id, cancelBody).expect(200)).body).toEqual({ status: 'duplicate', jobId: res.body.jobId });
    const after = await system.dataSource.query(`SELECT event_type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [job.id]);
    expect(after.map((e: { event_type: string }) => e.event_type)).toEqual(['job.created', 'job.assigned', 'job.status_changed']);
  });

  it('leaves the job unassigned when the host is nobody of the venue, or already booked then', async () => {
    const { venue, staff } = await system.factory.team(1);
    const stranger = await post(
      venue.id,
      calendlyBody('invitee.created', { inviteeUri: inviteeUri(), email: 'ada@example.com', name: 'Ada King Lovelace', host: 'someone@else.example', start: '2027-04-01T09:00:00Z', end: '2027-04-01T10:00:00Z', location: { type: 'zoom', join_url: 'https://zoom.us/j/123' } }),
    ).expect(200);
    expect(stranger.body).toMatchObject({ status: 'created', staffId: null });
    const job = (await admin().get(`/v1/jobs/${stranger.body.jobId}`).expect(200)).body;
    expect(job.assignments).toEqual([]);
    expect(job.remote).toEqual({ provider: 'url', url: 'https://zoom.us/j/123', details: null, meeting: null });
    const customer = await system.dataSource.query(`SELECT first_name, last_name, phone FROM customers WHERE id = $1`, [job.customerId]);
    expect(customer).toEqual([{ first_name: 'Ada', last_name: 'King Lovelace', phone: null }]);

    const busy = await system.factory.job({ venueId: venue.id, startsAt: '2027-04-02T09:00:00Z', endsAt: '2027-04-02T10:00:00Z' });
    await system.factory.assign(busy.id, staff[0].id);
    const overlap = await post(
      venue.id,
      calendlyBody('invitee.created', { inviteeUri: inviteeUri(), email: 'ada@example.com', host: staff[0].email, start: '2027-04-02T09:30:00Z', end: '2027-04-02T10:30:00Z' }),
    ).expect(200);
    expect(overlap.body).toMatchObject({ status: 'created', staffId: null });
  });

  it('remembers a cancellation that overtook its creation', async () => {
    const venue = await system.factory.venue();
    const uri = inviteeUri();
    const times = { inviteeUri: uri, email: 'late@example.com', start: '2027-05-01T09:00:00Z', end: '2027-05-01T09:30:00Z' };
    expect((await post(venue.id, calendlyBody('invitee.canceled', times)).expect(200)).body).toEqual({ status: 'canceled', jobId: null });
    expect((await post(venue.id, calendlyBody('invitee.created', times)).expect(200)).body).toEqual({ status: 'duplicate', jobId: null });
    expect(await count(`SELECT count(*) AS n FROM jobs WHERE venue_id = $1`, [venue.id])).toBe(0);
  });

  it('refuses what Calendly did not sign, stale signatures and bad input, writing nothing', async () => {
    const venue = await system.factory.venue();
    const body = calendlyBody('invitee.created', { inviteeUri: inviteeUri(), email: 'x@example.com', start: '2027-06-01T09:00:00Z', end: '2027-06-01T09:30:00Z' });
    const refused = async (res: request.Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.body.code).toBe(code);
    };
    await refused(await post(venue.id, body, null), 401, 'INVALID_SIGNATURE');
    await refused(await post(venue.id, body, calendlySignatureHeader(body, 'not-the-key-at-all')), 401, 'INVALID_SIGNATURE');
    await refused(await post(venue.id, body.replace('x@example.com', 'y@example.com'), calendlySignatureHeader(body, KEY)), 401, 'INVALID_SIGNATURE');
    await refused(await post(venue.id, body, calendlySignatureHeader(body, KEY, Math.floor(Date.now() / 1000) - 600)), 401, 'INVALID_SIGNATURE');
    await refused(await post(null, body), 400, 'INVALID_ID');
    await refused(await post('not-a-uuid', body), 400, 'INVALID_ID');
    await refused(await post(randomUUID(), body), 404, 'VENUE_NOT_FOUND');
    const broken = body.replace('"start_time":"2027-06-01T09:00:00Z"', '"start_time":"soon"');
    await refused(await post(venue.id, broken), 400, 'INVALID_PAYLOAD');
    const backwards = calendlyBody('invitee.created', { inviteeUri: inviteeUri(), email: 'x@example.com', start: '2027-06-01T10:00:00Z', end: '2027-06-01T09:00:00Z' });
    await refused(await post(venue.id, backwards), 400, 'INVALID_PAYLOAD');
    await refused(await post(venue.id, 'not json'), 400, 'INVALID_JSON');
    expect(await count(`SELECT count(*) AS n FROM jobs WHERE venue_id = $1`, [venue.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM calendly_invitees WHERE venue_id = $1`, [venue.id])).toBe(0);

    // Other Calendly events are acknowledged and ignored.
    const other = JSON.stringify({ event: 'routing_form_submission.created', payload: {} });
    expect((await post(venue.id, other).expect(200)).body).toEqual({ status: 'ignored', jobId: null });
  });
});
