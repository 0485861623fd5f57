import { MetricsService } from '@calbridge/core';
import { Webhook } from 'standardwebhooks';
import { connectCaldav, connection, startSyncSystem, waitForPull } from '../calendar-sync/sync-fixture';
import { HttpReceiver } from '../support/http-receiver';
import { Radicale } from '../support/radicale';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/** An operator hears when a staff member's calendar grant dies: connection.needs_reauth by webhook and in Slack. */
describe('connection.needs_reauth', () => {
  let radicale: Radicale;
  let system: TestSystem;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    radicale = await Radicale.start({ erin: 'erin-app-password' });
    await radicale.client('erin').mkcalendar('main', 'Main');
    system = await startSyncSystem({ env: { WEBHOOK_BACKOFF_BASE_MS: '50' } });
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await system?.stop();
    await radicale?.stop();
    await receiver?.stop();
  });

  it('is raised once when calendar sync marks the connection needs_reauth, and delivered (standard and Slack)', async () => {
    const { venue, staff } = await system.factory.team(1, { timezone: 'Europe/Berlin' });
    const other = await system.factory.venue();
    const admin = system.http(system.adminToken());
    const standard = (await admin.post('/v1/webhooks', { url: `${receiver.url}/std`, events: ['connection.needs_reauth'], venueIds: [venue.id] }).expect(201))
      .body;
    await admin.post('/v1/webhooks', { url: `${receiver.url}/slack`, events: ['connection.needs_reauth'], format: 'slack' }).expect(201);
    await admin.post('/v1/webhooks', { url: `${receiver.url}/elsewhere`, events: ['connection.needs_reauth'], venueIds: [other.id] }).expect(201);

    const conn = await connectCaldav(system, radicale, staff[0].id, 'erin', 'erin-app-password');
    await waitForPull(system, conn.id, 0, "erin's first sync");
    radicale.setPassword('erin', 'changed-behind-our-back');
    await waitFor(async () => expect((await connection(system, conn.id)).status).toBe('needs_reauth'), { what: 'needs_reauth' });

    const [std, slack] = await waitFor(
      () => {
        const s = receiver.requests.filter((r) => r.path === '/std');
        const k = receiver.requests.filter((r) => r.path === '/slack');
        if (!s.length || !k.length) throw new Error('not yet');
        return [s, k];
      },
      { what: 'both deliveries' },
    );
    const body = new Webhook(standard.secret).verify(std[0].body, std[0].headers) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe('connection.needs_reauth');
    expect(body.data).toMatchObject({
      connectionId: conn.id,
      staffId: staff[0].id,
      provider: 'caldav',
      accountEmail: 'erin',
      reason: expect.stringMatching(/refused the credentials/),
      staff: { id: staff[0].id, name: staff[0].name },
    });
    expect(JSON.parse(slack[0].body).text).toBe(
      `:warning: ${staff[0].name}'s CalDAV / iCloud (erin) connection stopped working: the access was revoked or expired. Their jobs no longer reach that calendar and its busy times no longer block bookings until they reconnect it.`,
    );

    // Once: more ticks pass, nothing new is raised or sent; the other venue's subscriber heard nothing.
    const ticks = async () => {
      const metric = await system.worker!.get(MetricsService).registry.getSingleMetric('calbridge_sync_ticks_total')?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    };
    const before = await ticks();
    await waitFor(async () => expect((await ticks()) - before).toBeGreaterThanOrEqual(6), { what: 'six more ticks' });
    const events = await system.dataSource.query(`SELECT event_type, venue_ids FROM outbox_events WHERE aggregate_id = $1`, [conn.id]);
    expect(events).toEqual([{ event_type: 'connection.needs_reauth', venue_ids: [venue.id] }]);
    expect(receiver.requests.filter((r) => r.path === '/std')).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.path === '/slack')).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
  });
});
