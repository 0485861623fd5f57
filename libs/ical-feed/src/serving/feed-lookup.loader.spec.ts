import type { FeedHead, FeedKey, FeedsRepository } from '../feeds/feeds.repository';
import { FeedLookupLoader } from './feed-lookup.loader';

/** A repository whose queries the test answers by hand, recording what each one asked for. */
class ManualHeads {
  readonly calls: Array<{ keys: FeedKey[]; answer: (heads: FeedHead[]) => void; fail: (e: unknown) => void }> = [];
  heads(keys: FeedKey[]): Promise<FeedHead[]> {
    return new Promise((answer, fail) => this.calls.push({ keys, answer, fail }));
  }
}

const head = (staffId: string, venueId = 'v'): FeedHead => ({ staffId, venueId, scheduleVersion: '1' }) as FeedHead;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(check()).toBe(true);
};

describe('FeedLookupLoader (group commit of feed head lookups)', () => {
  let repo: ManualHeads;
  let loader: FeedLookupLoader;

  beforeEach(() => {
    repo = new ManualHeads();
    loader = new FeedLookupLoader(repo as unknown as FeedsRepository);
  });
  afterEach(() => loader.onApplicationShutdown());

  it('sends a lone poll within a millisecond or so', async () => {
    const p = loader.load('a', 'v');
    await until(() => repo.calls.length === 1);
    repo.calls[0].answer([head('a')]);
    await expect(p).resolves.toMatchObject({ staffId: 'a' });
  });

  it('answers many concurrent polls with one query, one key per feed', async () => {
    const polls = Array.from({ length: 40 }, (_, i) => loader.load(i % 2 ? 'a' : 'b', 'v'));
    await tick();
    expect(repo.calls).toHaveLength(1);
    expect(repo.calls[0].keys.map((k) => k.staffId).sort()).toEqual(['a', 'b']);
    repo.calls[0].answer([head('a'), head('b')]);
    const heads = await Promise.all(polls);
    expect(heads.filter((h) => h?.staffId === 'a')).toHaveLength(20);
  });

  it('never lets a poll ride on a query sent before it arrived', async () => {
    const early = loader.load('a', 'v');
    await until(() => repo.calls.length === 1);
    const late = loader.load('a', 'v'); // arrives while the first lookup is in flight
    repo.calls[0].answer([head('a')]);
    await expect(early).resolves.toMatchObject({ scheduleVersion: '1' });
    await until(() => repo.calls.length === 2);
    repo.calls[1].answer([{ ...head('a'), scheduleVersion: '2' }]);
    await expect(late).resolves.toMatchObject({ scheduleVersion: '2' });
  });

  it('answers null for unknown feeds and passes failures to every waiter of the batch', async () => {
    const unknown = loader.load('nobody', 'v');
    await until(() => repo.calls.length === 1);
    repo.calls[0].answer([]);
    await expect(unknown).resolves.toBeNull();
    const a = loader.load('a', 'v');
    const b = loader.load('b', 'v');
    await until(() => repo.calls.length === 2);
    repo.calls[1].fail(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).rejects.toThrow('connection lost');
  });
});
