import { TestSystem } from '../support/test-system';

/** GET /v1/customers?venueId=&q=: the board's customer picker searches one venue's customers. */
describe('searching customers of a venue', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('finds the venue’s customers by name, full name or email, never another venue’s; checks scope and input', async () => {
    const venue = await system.factory.venue();
    const other = await system.factory.venue();
    await system.factory.customer({ venueId: venue.id, firstName: 'Lena', lastName: 'Vogel', email: 'lena@example.com' });
    await system.factory.customer({ venueId: venue.id, firstName: 'Max', lastName: 'Lenz', email: 'max@example.com' });
    await system.factory.customer({ venueId: venue.id, firstName: 'Ida', lastName: '100%_Real', email: 'ida@example.com' });
    await system.factory.customer({ venueId: other.id, firstName: 'Lena', lastName: 'Elsewhere', email: 'lena2@example.com' });
    const token = system.dispatcherToken(venue.id);
    const names = async (q: string) =>
      ((await system.http(token).get(`/v1/customers?venueId=${venue.id}&q=${encodeURIComponent(q)}`)).body as Array<{ firstName: string; lastName: string; venueIds: string[] }>).map(
        (c) => `${c.firstName} ${c.lastName}`,
      );
    expect(await names('len')).toEqual(['Max Lenz', 'Lena Vogel']);
    expect(await names('lena v')).toEqual(['Lena Vogel']);
    expect(await names('MAX@EXAMPLE')).toEqual(['Max Lenz']);
    // % and _ are text, not wildcards.
    expect(await names('0%_r')).toEqual(['Ida 100%_Real']);
    expect(await names('%')).toEqual(['Ida 100%_Real']);
    expect(await names('')).toEqual(['Ida 100%_Real', 'Max Lenz', 'Lena Vogel']);
    const limited = await system.http(token).get(`/v1/customers?venueId=${venue.id}&limit=1`);
    expect(limited.body).toHaveLength(1);
    expect(limited.body[0].venueIds).toEqual([venue.id]);

    expect((await system.http(token).get(`/v1/customers?venueId=${other.id}&q=lena`)).status).toBe(403);
    expect((await system.http(token).get(`/v1/customers?q=lena`)).status).toBe(400);
    expect((await system.http(token).get(`/v1/customers?venueId=${venue.id}&limit=51`)).status).toBe(400);
    expect((await system.http(system.adminToken()).get(`/v1/customers?venueId=${other.id}&q=lena`)).body).toHaveLength(1);
  });
});
