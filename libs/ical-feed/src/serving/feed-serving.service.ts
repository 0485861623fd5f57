import { Injectable } from '@nestjs/common';
import { FeedHead } from '../feeds/feeds.repository';
import { FeedRenderer } from '../rendering/feed-renderer.service';
import { FeedTokenService } from '../tokens/feed-token.service';
import { FeedCache } from './feed-cache';
import { FeedDayClock } from './feed-day';
import { FeedLookupLoader } from './feed-lookup.loader';
import { feedCacheKey, feedId, isAtLeastAsNew, RenderedFeed, versionsOf } from './rendered-feed';

export type FeedResolution =
  | { kind: 'feed'; id: string; feed: RenderedFeed }
  /** Malformed, unknown, badly signed, rotated or for a venue the person left: all the same to the caller. */
  | { kind: 'invalid'; touchedDatabase: boolean }
  | { kind: 'expired'; expiresAt: Date };

/**
 * From URL parts to the bytes of a feed: structure check (no database), one batched head
 * lookup, constant-time signature check, expiry, then the cached rendering when its key still
 * matches, else a render (one at a time per feed; concurrent polls share it).
 */
@Injectable()
export class FeedServingService {
  private readonly clock = new FeedDayClock();
  private readonly inflight = new Map<string, Promise<RenderedFeed | null>>();

  constructor(
    private readonly tokens: FeedTokenService,
    private readonly lookup: FeedLookupLoader,
    private readonly renderer: FeedRenderer,
    private readonly cache: FeedCache,
  ) {}

  async resolve(staffId: string, token: string, now = Date.now()): Promise<FeedResolution> {
    const parsed = this.tokens.parse(staffId, token);
    if (!parsed) return { kind: 'invalid', touchedDatabase: false };
    const head = await this.lookup.load(staffId, parsed.venueId);
    if (!this.tokens.verify(staffId, token, parsed, head?.salt ?? null) || !head) {
      return { kind: 'invalid', touchedDatabase: true };
    }
    if (parsed.expiresAt * 1000 <= now) return { kind: 'expired', expiresAt: new Date(parsed.expiresAt * 1000) };

    const id = feedId(staffId, parsed.venueId);
    const day = this.clock.today(head.timezone);
    const cached = this.cache.feeds.get(id);
    if (cached && cached.key === feedCacheKey(head, day)) return { kind: 'feed', id, feed: cached };
    const feed = await this.fresh(id, head, day);
    // The feed vanished between lookup and render (venue left, staff removed): same as unknown.
    return feed ? { kind: 'feed', id, feed } : { kind: 'invalid', touchedDatabase: true };
  }

  /** A rendering at least as new as `head`: a render already under way when it is new enough, else a new one. */
  private async fresh(id: string, head: FeedHead, day: string): Promise<RenderedFeed | null> {
    const wanted = versionsOf(head, day);
    const running = this.inflight.get(id);
    if (running) {
      const feed = await running;
      if (!feed || isAtLeastAsNew(feed, wanted)) return feed;
    }
    const render = this.renderer.render(head.staffId, head.venueId, head.timezone, day).then((feed) => {
      if (feed) {
        const current = this.cache.feeds.peek(id);
        if (!current || isAtLeastAsNew(feed, current)) this.cache.putFeed(id, feed);
      }
      return feed;
    });
    this.inflight.set(id, render);
    try {
      return await render;
    } finally {
      if (this.inflight.get(id) === render) this.inflight.delete(id);
    }
  }
}
