import { BookingDemoDataService } from '@calbridge/booking';
import { DemoDataService } from '@calbridge/scheduling';
import { Test } from '@nestjs/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verify } from 'jsonwebtoken';
import { CliModule } from '../../apps/cli/src/cli.module';
import { parseArgs } from '../../apps/cli/src/args';
import { TestSystem } from '../support/test-system';

const run = promisify(execFile);

describe('CLI and demo data', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(() => system?.stop());

  it('loads demo data once: two venues in different zones, staff, customers, a week of jobs, an open conflict', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CliModule] }).compile();
    const app = await moduleRef.init();
    try {
      const demo = app.get(DemoDataService);
      expect(await demo.isEmpty()).toBe(true);
      const data = await demo.seed();
      expect(data.venues.map((v) => v.timezone)).toEqual(['Europe/Berlin', 'America/New_York']);
      expect(data.staff.length).toBeGreaterThanOrEqual(3);
      expect(data.staff.some((s) => s.venueIds.length === 2)).toBe(true);
      expect(data.jobs).toBeGreaterThanOrEqual(40);
      expect(data.assignments).toBeGreaterThanOrEqual(40);
      expect(data.openConflicts).toBeGreaterThanOrEqual(1);
      expect(await demo.isEmpty()).toBe(false);
      const booking = await app.get(BookingDemoDataService).seed();
      expect(booking.map((b) => b.venueId).sort()).toEqual(data.venues.map((v) => v.id).sort());
      for (const b of booking) expect(b.bookingUrl).toMatch(new RegExp(`/book/${b.venueId}$`));
    } finally {
      await app.close();
    }
    // The data is usable through the API with the printed kind of tokens.
    const venues = await system.http(system.adminToken()).get('/v1/venues').expect(200);
    expect(venues.body).toHaveLength(2);
    const open = await system.http(system.dispatcherToken(venues.body[0].id, venues.body[1].id)).get('/v1/conflicts?status=open').expect(200);
    expect(open.body.length).toBeGreaterThanOrEqual(1);
    // Both demo venues take bookings: services and free slots on the public routes.
    for (const venue of venues.body) {
      const services = await system.http().get(`/public/venues/${venue.id}/services`).expect(200);
      expect(services.body.services.length).toBeGreaterThanOrEqual(2);
      const from = new Date(Date.now() + 86_400_000).toISOString();
      const to = new Date(Date.now() + 8 * 86_400_000).toISOString();
      const slots = await system.http().get(`/public/venues/${venue.id}/availability?serviceId=${services.body.services[0].id}&from=${from}&to=${to}`).expect(200);
      expect(slots.body.slots.length).toBeGreaterThan(10);
    }
  });

  it('npm run token prints a token the api accepts', async () => {
    const venueId = '11111111-2222-4333-8444-555555555555';
    const { stdout } = await run(
      process.execPath,
      [require.resolve('ts-node/dist/bin'), '--transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, '../../apps/cli/src/main.ts'), 'token', '--role', 'dispatcher', '--venue', venueId],
      { cwd: join(__dirname, '../..'), env: { ...process.env, AUTH_JWT_SECRET: 'x'.repeat(40), NODE_ENV: 'development' }, timeout: 60_000 },
    );
    const claims = verify(stdout.trim(), 'x'.repeat(40), { algorithms: ['HS256'] }) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'dispatcher', venues: [venueId] });
    expect(claims.exp).toEqual(expect.any(Number));
  });

  it('parses repeated and inline arguments', () => {
    expect([...parseArgs(['--role', 'dispatcher', '--venue=a', '--venue', 'b', '--force']).entries()]).toEqual([
      ['role', ['dispatcher']],
      ['venue', ['a', 'b']],
      ['force', ['true']],
    ]);
    expect(() => parseArgs(['oops'])).toThrow(/Unexpected argument/);
  });
});
