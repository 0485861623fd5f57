import { AccountContext, CalendarProvider, CalendarRef, ConnectInput, ProviderError, PullRequest, PullResult, WatchChannel, WatchRequest } from '@calbridge/calendar-sync';
import { CaldavProvider, CALENDAR_PROVIDERS, ChannelsService, AccountConnector } from '@calbridge/calendar-sync/testing';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { blockedSlots, connection, startSyncSystem, utcAt } from './sync-fixture';

/**
 * A provider with push notifications (as Google and Microsoft have) plugs into the engine by
 * key alone: connected through the provider-neutral connect, pulled, given channels that are
 * replaced before they expire, woken by notifications, and its channels stopped on disconnect.
 */
class FakeWatchProvider implements CalendarProvider {
  readonly key = 'fake';
  readonly displayName = 'Fake';
  readonly capabilities = { watch: true };
  pulls = 0;
  watches: Array<{ calendar: string; request: WatchRequest; channel: WatchChannel }> = [];
  stopped: string[] = [];

  async connect(input: ConnectInput) {
    if (input.kind !== 'oauth_code') throw new ProviderError('Permanent', 'oauth only');
    if (input.code === 'bad') throw new ProviderError('AuthRevoked', 'invalid_grant');
    return {
      accountId: 'fake-account',
      accountEmail: 'someone@fake.example',
      serverUrl: null,
      credentials: { accessToken: 'a', refreshToken: 'r' },
      metadata: {},
      calendars: [{ externalId: 'primary', name: 'Primary', color: null, timezone: 'UTC', readOnly: false, metadata: {} }],
    };
  }

  async listCalendars() {
    return [];
  }

  async pullChanges(account: AccountContext, _calendar: CalendarRef, request: PullRequest): Promise<PullResult> {
    this.pulls++;
    // A refreshed access token goes back to the engine, which stores it sealed.
    await account.updateCredentials({ ...account.credentials, accessToken: `a${this.pulls}` });
    const start = new Date(utcAt(2, '09:00'));
    return {
      kind: 'changes',
      upserts: [{ externalId: 'evt-1', etag: '"1"', ours: false, busy: [{ instanceKey: '', startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), allDay: false }] }],
      deletions: [],
      complete: request.cursor === null,
      unchanged: [],
      nextCursor: `sync-${this.pulls}`,
    };
  }

  async upsertEvent() {
    return { externalId: 'x', etag: null, writes: 1 };
  }

  async deleteEvent() {}

  async watch(_account: AccountContext, calendar: CalendarRef, request: WatchRequest): Promise<WatchChannel> {
    const channel = { id: `channel-${this.watches.length + 1}`, resourceId: 'resource', expiresAt: new Date(Date.now() + 86_400_000) };
    this.watches.push({ calendar: calendar.externalId, request, channel });
    return channel;
  }

  async unwatch(_account: AccountContext, channel: WatchChannel): Promise<void> {
    this.stopped.push(channel.id);
  }

  classifyError(error: unknown): ProviderError {
    return error instanceof ProviderError ? error : new ProviderError('Transient', String(error));
  }
}

describe('providers with push channels slot into the engine', () => {
  const fake = new FakeWatchProvider();
  const withFake = (builder: TestingModuleBuilder) =>
    builder.overrideProvider(CALENDAR_PROVIDERS).useFactory({ inject: [CaldavProvider], factory: (caldav: CaldavProvider) => [caldav, fake] });
  let system: TestSystem;
  let staff: { id: string };

  beforeAll(async () => {
    // No polling in this file: every pull after the first is woken by a notification.
    system = await startSyncSystem({ overrideApi: withFake, overrideWorker: withFake, env: { SYNC_PULL_INTERVAL_SECONDS: '3600' } });
    staff = (await system.factory.team(1)).staff[0];
  });

  afterAll(() => system?.stop());

  it('connects, pulls, opens a channel, wakes on a genuine notification only, renews and stops channels', async () => {
    const principal = { role: 'staff' as const, subject: staff.id, staffId: staff.id, venueIds: [] };
    await expect(
      system.app.get(AccountConnector).connect(principal, staff.id, 'fake', { kind: 'oauth_code', code: 'bad', codeVerifier: 'v', redirectUri: 'r' }),
    ).rejects.toMatchObject({ code: 'AuthRevoked' });
    const { view } = await system.app.get(AccountConnector).connect(principal, staff.id, 'fake', {
      kind: 'oauth_code',
      code: 'good',
      codeVerifier: 'v',
      redirectUri: 'r',
    });
    await waitFor(async () => expect(await blockedSlots(system, staff.id)).toHaveLength(1), { what: 'the pulled slot' });
    await waitFor(async () => expect(fake.watches).toHaveLength(1), { what: 'a channel' });
    const [{ request, channel }] = fake.watches;
    expect(request.webhookUrl).toBe('http://127.0.0.1:3000/webhooks/fake');
    // The channel row is written after the provider's watch call returns: wait for it too.
    const row = await waitFor(
      async () => {
        const [r] = await system.dataSource.query(`SELECT token_hash, credentials FROM sync_channels ch JOIN sync_connections c ON c.id = ch.connection_id`);
        expect(r).toBeDefined();
        return r as { token_hash: string; credentials: string };
      },
      { what: 'the channel row' },
    );
    expect(row.token_hash).not.toContain(request.token);
    expect(row.credentials).not.toMatch(/accessToken|refreshToken/);

    // Notifications: a wrong token changes nothing; the right one wakes a pull.
    const channels = system.app.get(ChannelsService);
    const pullsBefore = fake.pulls;
    expect(await channels.notify('fake', channel.id, 'not-the-token')).toBe(false);
    expect(await channels.notify('caldav', channel.id, request.token)).toBe(false);
    expect(fake.pulls).toBe(pullsBefore);
    expect(await channels.notify('fake', channel.id, request.token)).toBe(true);
    await waitFor(async () => expect(fake.pulls).toBe(pullsBefore + 1), { what: 'the notified pull' });
    await waitFor(async () => expect((await connection(system, view.id)).lastSyncedAt).not.toBeNull(), { what: 'the pull to be recorded' });

    // A channel about to expire is replaced at the next pull, and the old one stopped.
    await system.dataSource.query(`UPDATE sync_channels SET expires_at = now() + interval '1 minute'`);
    await waitFor(
      async () => {
        // Notifications a second apart are separate pulls (within a second they are one).
        if (fake.watches.length < 2) await channels.notify('fake', channel.id, request.token);
        expect(fake.watches).toHaveLength(2);
      },
      { what: 'a pull to replace the channel', intervalMs: 1100 },
    );
    await waitFor(
      async () => {
        expect(fake.watches).toHaveLength(2);
        expect(fake.stopped).toEqual([channel.id]);
      },
      { what: 'the channel to be renewed' },
    );

    // Disconnecting stops the live channel (with the credentials, before they are forgotten).
    await system.http(system.staffToken(staff.id)).delete(`/v1/connections/${view.id}`).expect(204);
    await waitFor(
      async () => {
        expect(fake.stopped).toEqual([channel.id, fake.watches[1].channel.id]);
        const [conn] = await system.dataSource.query(`SELECT credentials FROM sync_connections WHERE id = $1`, [view.id]);
        expect(conn.credentials).toBeNull();
      },
      { what: 'the channels to stop' },
    );
    expect(await blockedSlots(system, staff.id)).toEqual([]);
    expect((await connection(system, view.id)).status).toBe('disconnected');
  });
});
