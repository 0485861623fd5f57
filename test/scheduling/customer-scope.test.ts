import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

/**
 * Customers belong to venues (the venue that created them, and every venue they have a job at);
 * a dispatcher reads, changes, creates and attaches only customers of their own venues, and the
 * audit trail shows them only their venues' entries.
 */
describe('customers and the audit trail are scoped by venue', () => {
  let system: TestSystem;
  let venueA: { id: string };
  let venueB: { id: string };
  let dispatcherA: ReturnType<TestSystem['http']>;
  let dispatcherB: ReturnType<TestSystem['http']>;
  let admin: ReturnType<TestSystem['http']>;
  let customerOfA: { id: string };

  beforeAll(async () => {
    system = await TestSystem.start();
    venueA = await system.factory.venue({ name: 'A' });
    venueB = await system.factory.venue({ name: 'B' });
    dispatcherA = system.http(system.dispatcherToken(venueA.id));
    dispatcherB = system.http(system.dispatcherToken(venueB.id));
    admin = system.http(system.adminToken());
    const created = await dispatcherA
      .post('/v1/customers', { venueId: venueA.id, firstName: 'Sarah', lastName: 'Johnson', email: 'sarah@example.com', phone: '+49 30 1234567' })
      .expect(201);
    customerOfA = created.body;
    expect(created.body.venueIds).toEqual([venueA.id]);
  });
  afterAll(() => system?.stop());

  it("a dispatcher of another venue can neither read nor change a customer (404, as if it did not exist)", async () => {
    expect((await dispatcherB.get(`/v1/customers/${customerOfA.id}`).expect(404)).body.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await dispatcherB.patch(`/v1/customers/${customerOfA.id}`, { email: 'mine@example.com' }).expect(404)).body.code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    const seen = await dispatcherA.get(`/v1/customers/${customerOfA.id}`).expect(200);
    expect(seen.body.email).toBe('sarah@example.com');
    await admin.get(`/v1/customers/${customerOfA.id}`).expect(200);
  });

  it('POST /v1/customers takes the venue: required for dispatchers, in their scope, refused without venues', async () => {
    expect((await dispatcherA.post('/v1/customers', { firstName: 'No', lastName: 'Venue' }).expect(400)).body.code).toBe('VENUE_REQUIRED');
    expect((await dispatcherA.post('/v1/customers', { venueId: venueB.id, firstName: 'X', lastName: 'Y' }).expect(403)).body.code).toBe(
      'VENUE_OUT_OF_SCOPE',
    );
    const nobody = system.http(system.dispatcherToken());
    expect((await nobody.post('/v1/customers', { firstName: 'X', lastName: 'Y' }).expect(403)).body.code).toBe('NO_VENUES');
    expect((await admin.post('/v1/customers', { venueId: '00000000-0000-4000-8000-000000000000', firstName: 'X', lastName: 'Y' }).expect(422)).body.code).toBe(
      'VENUE_NOT_FOUND',
    );
    const byAdmin = await admin.post('/v1/customers', { firstName: 'Walk', lastName: 'In' }).expect(201);
    expect(byAdmin.body.venueIds).toEqual([]);
  });

  it("a dispatcher cannot attach another venue's customer to a job (and so cannot pull them into scope)", async () => {
    const res = await dispatcherB
      .post('/v1/jobs', { venueId: venueB.id, title: 'Cut', customerId: customerOfA.id, startsAt: at(2, '10:00'), endsAt: at(2, '11:00') })
      .expect(422);
    expect(res.body.code).toBe('CUSTOMER_NOT_FOUND');
    await dispatcherB.get(`/v1/customers/${customerOfA.id}`).expect(404);
  });

  it('a customer with a job at a venue belongs to that venue too', async () => {
    await admin
      .post('/v1/jobs', { venueId: venueB.id, title: 'Colour', customerId: customerOfA.id, startsAt: at(3, '10:00'), endsAt: at(3, '11:00') })
      .expect(201);
    const seen = await dispatcherB.get(`/v1/customers/${customerOfA.id}`).expect(200);
    expect([...seen.body.venueIds].sort()).toEqual([venueA.id, venueB.id].sort());
  });

  it("the audit trail shows a dispatcher only their venues' entries, also for staff working at both", async () => {
    const shared = await system.factory.staff({ venueIds: [venueA.id, venueB.id] });
    const jobInA = await system.factory.job({ venueId: venueA.id, title: 'Only A', startsAt: at(4, '10:00'), endsAt: at(4, '11:00') });
    await system.factory.assign(jobInA.id, shared.id);
    const onlyA = await dispatcherA.post('/v1/customers', { venueId: venueA.id, firstName: 'Private', lastName: 'ToA' }).expect(201);

    const seenByB = (await dispatcherB.get('/v1/audit?limit=500').expect(200)).body.items as Array<Record<string, string | null>>;
    expect(seenByB.length).toBeGreaterThan(0);
    for (const entry of seenByB) expect(entry.venueId === venueB.id || entry.venueId === null).toBe(true);
    expect(seenByB.some((e) => e.entityId === jobInA.id)).toBe(false);
    expect(seenByB.some((e) => e.entityId === onlyA.body.id)).toBe(false);

    const seenByA = (await dispatcherA.get('/v1/audit?limit=500').expect(200)).body.items as Array<Record<string, string | null>>;
    expect(seenByA.some((e) => e.entityId === jobInA.id)).toBe(true);
    expect(seenByA.some((e) => e.entityId === onlyA.body.id)).toBe(true);
  });
});
