import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

/** The API routes the board reads besides jobs and conflicts: venue blocked time, connections overview, providers. */
describe('board API', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => system?.stop());

  it('lists the blocked time of a venue for its dispatchers only', async () => {
    const { venue, staff } = await system.factory.team(2);
    const other = await system.factory.venue();
    await system.factory.blockedSlot(staff[0].id, { startsAt: at(1, '10:00'), endsAt: at(1, '11:00'), reason: 'School run' });
    await system.factory.blockedSlot(staff[1].id, { startsAt: at(9, '10:00'), endsAt: at(9, '11:00') });
    const q = `from=${encodeURIComponent(at(0, '00:00'))}&to=${encodeURIComponent(at(2, '00:00'))}`;
    const res = await system.http().get(`/v1/venues/${venue.id}/blocked-slots?${q}`).set('Authorization', `Bearer ${system.dispatcherToken(venue.id)}`).expect(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ staffId: staff[0].id, source: 'manual', reason: 'School run' });
    const denied = await system.http().get(`/v1/venues/${venue.id}/blocked-slots?${q}`).set('Authorization', `Bearer ${system.dispatcherToken(other.id)}`).expect(403);
    expect(denied.body.code).toBe('VENUE_OUT_OF_SCOPE');
    const bad = await system.http().get(`/v1/venues/${venue.id}/blocked-slots?from=yesterday&to=x`).set('Authorization', `Bearer ${system.dispatcherToken(venue.id)}`).expect(400);
    expect(bad.body.code).toBe('INVALID_TIME_WINDOW');
  });

  it('gives admins and dispatchers the connections overview, never staff', async () => {
    const { venue, staff } = await system.factory.team(1);
    const res = await system.http().get(`/v1/connections?venueId=${venue.id}`).set('Authorization', `Bearer ${system.dispatcherToken(venue.id)}`).expect(200);
    expect(res.body).toEqual([]);
    await system.http().get('/v1/connections').set('Authorization', `Bearer ${system.staffToken(staff[0].id)}`).expect(403);
    const other = await system.factory.venue();
    await system.http().get(`/v1/connections?venueId=${other.id}`).set('Authorization', `Bearer ${system.dispatcherToken(venue.id)}`).expect(403);
    const bad = await system.http().get('/v1/connections?venueId=nope').set('Authorization', `Bearer ${system.adminToken()}`).expect(400);
    expect(bad.body.code).toBe('INVALID_ID');
  });

  it('names the calendar providers this deployment enabled', async () => {
    const { staff } = await system.factory.team(1);
    const res = await system.http().get('/v1/calendar-providers').set('Authorization', `Bearer ${system.staffToken(staff[0].id)}`).expect(200);
    expect(res.body).toEqual([{ key: 'caldav', displayName: expect.any(String), oauth: false }]);
  });
});
