import { FeedHeadsListener, FeedHeadStore, FeedsRepository } from '@calbridge/ical-feed/testing';
import { Client } from 'pg';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { feedPath, poll } from './support/feeds';

const MAX_STALENESS_MS = 400;

/**
 * Polls are answered from each api process's memory of the feed heads, kept current by
 * LISTEN/NOTIFY. Changes made elsewhere (a worker, another api process) must show within the
 * stated staleness bound; when notifications are down, polls ask Postgres; after a reconnect,
 * memory starts over.
 */
describe('feed heads from memory', () => {
  let system: TestSystem;
  let other: Client; // "another process": its own connection, outside the api
  let listener: FeedHeadsListener;
  let staff: { id: string };
  let path: string;

  const calendarName = async () => /X-WR-CALNAME:([^\r\n]+)/.exec((await poll(system, path)).text)?.[1];
  const renameElsewhere = (name: string) => other.query('UPDATE staff SET name = $2 WHERE id = $1', [staff.id, name]);

  beforeAll(async () => {
    system = await TestSystem.start({ listen: true, env: { FEED_HEAD_MAX_STALENESS_MS: String(MAX_STALENESS_MS) } });
    other = new Client({ connectionString: system.databaseUrl });
    await other.connect();
    listener = system.get(FeedHeadsListener);
    const venue = await system.factory.venue({ name: 'Mitte' });
    staff = await system.factory.staff({ name: 'Anna Becker', venueIds: [venue.id] });
    const job = await system.factory.job({ venueId: venue.id, startsAt: at(1, '10:00'), endsAt: at(1, '11:00') });
    await system.factory.assign(job.id, staff.id);
    path = await feedPath(system, staff.id, venue.id);
    await poll(system, path);
    await waitFor(() => expect(listener.fresh()).toBe(true), { what: 'notifications proven current' });
  });
  afterAll(async () => {
    await other?.end();
    await system?.stop();
  });

  it('shows a change committed by another process within the staleness bound', async () => {
    expect(await calendarName()).toBe('Mitte — Anna Becker');
    const committed = Date.now();
    await renameElsewhere('Anna Schmidt');
    await waitFor(async () => expect(await calendarName()).toBe('Mitte — Anna Schmidt'), {
      timeoutMs: MAX_STALENESS_MS + 2_000,
      intervalMs: 5,
      what: 'the rename in the feed',
    });
    // In practice the notification arrives within milliseconds; the bound is what is promised.
    expect(Date.now() - committed).toBeLessThan(MAX_STALENESS_MS + 2_000);
  });

  it('answers repeated polls from memory once the head is known', async () => {
    await calendarName();
    await waitFor(() => expect(listener.fresh()).toBe(true));
    const heads = jest.spyOn(system.get<FeedsRepository>(FeedsRepository), 'heads');
    try {
      const etag = (await poll(system, path)).headers.etag;
      for (let i = 0; i < 20; i++) expect((await poll(system, path, { 'if-none-match': etag })).status).toBe(304);
      expect(heads).not.toHaveBeenCalled();
    } finally {
      heads.mockRestore();
    }
  });

  it('asks Postgres while notifications are down, and starts memory over after reconnecting', async () => {
    await other.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'calbridge-feed-heads' AND datname = current_database()`);
    await waitFor(() => expect(listener.isListening).toBe(false), { what: 'the listener to notice' });
    expect(listener.fresh()).toBe(false);
    // Nobody hears of this change, yet the very next poll shows it: memory is not used now.
    await renameElsewhere('Anna Weber');
    expect(await calendarName()).toBe('Mitte — Anna Weber');

    await waitFor(() => expect(listener.fresh()).toBe(true), { timeoutMs: 15_000, what: 'the listener to reconnect' });
    expect(system.get<FeedHeadStore>(FeedHeadStore).size).toBeLessThanOrEqual(1);
    await renameElsewhere('Anna Fischer');
    await waitFor(async () => expect(await calendarName()).toBe('Mitte — Anna Fischer'), {
      timeoutMs: MAX_STALENESS_MS + 2_000,
      intervalMs: 5,
      what: 'the rename after the reconnect',
    });
  });
});
