import { request } from 'node:http';
import { captureLogs } from '../ical-feed/support/capture-logs';
import { feedPath } from '../ical-feed/support/feeds';
import { waitFor } from '../support/wait';
import { TestSystem } from '../support/test-system';

/** Sends the path exactly as given (no URL normalisation on the way), returns the status. */
function rawGet(baseUrl: string, path: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('logs never carry feed tokens or customer contact data', () => {
  let system: TestSystem;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    system = await TestSystem.start({ listen: true, env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await system?.stop();
    logs?.restore();
  });

  it('redacts the feed token however the path is spelled', async () => {
    const venue = await system.factory.venue();
    const staff = await system.factory.staff({ venueIds: [venue.id] });
    const path = await feedPath(system, staff.id, venue.id);
    const token = path.split('/').pop()!.replace(/\.ics$/, '');
    const rest = path.slice('/calendar'.length);
    const spellings = [`//calendar${rest}`, `/./calendar${rest}`, `/x/../calendar${rest}`, `/%63alendar${rest}`, `/calendar${rest}?t=1`];
    for (const spelling of spellings) await rawGet(system.baseUrl!, spelling);
    // Every spelling reached the request log (its status line), none with the token.
    await waitFor(() => expect(logs.text().match(/"msg":"request (completed|errored)"/g)?.length ?? 0).toBeGreaterThanOrEqual(spellings.length), {
      what: 'request log lines',
    });
    expect(logs.text()).not.toContain(token);
    expect(logs.text()).not.toContain(token.slice(0, 24));
  });

  it('keeps customer emails and phones out of the log of a failed query', async () => {
    // A constraint only this test database has, so that the insert fails inside Postgres.
    await system.dataSource.query(`ALTER TABLE customers ADD CONSTRAINT test_refuses_phone CHECK (phone NOT LIKE '%9876%')`);
    const res = await system
      .http(system.adminToken())
      .post('/v1/customers', { firstName: 'Sarah', lastName: 'Jansen', email: 'sarah.jansen@example.com', phone: '+49 170 9876543' });
    expect(res.status).toBe(500);
    await waitFor(() => expect(logs.text()).toContain('test_refuses_phone'), { what: 'the failed query in the log' });
    expect(logs.text()).not.toContain('sarah.jansen@example.com');
    expect(logs.text()).not.toContain('9876543');
    expect(logs.text()).not.toContain('Jansen');
  });
});
