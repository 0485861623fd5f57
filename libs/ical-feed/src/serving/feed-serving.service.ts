import { Injectable } from '@nestjs/common';
import { FeedHead } from '../feeds/feeds.repository';
import { FeedRenderer } from '../rendering/feed-renderer.service';
import type { ParsedFeedToken } from '../tokens/feed-token';
import { FeedTokenService, VerifiedFeedToken } from '../tokens/feed-token.service';
import { FeedCache } from './feed-cache';
import { FeedDayClock } from './feed-day';
import { FeedHeadStore } from './feed-head-store';
import { feedId, isAtLeastAsNew, isRenderingOf, RenderedFeed, versionsOf } from './rendered-feed';

export type FeedClaims = VerifiedFeedToken | ParsedFeedToken;

export type FeedResolution =
  | { kind: 'feed'; id: string; feed: RenderedFeed }
  /** Malformed, unknown, badly signed, rotated or for a venue the person left: all the same to the caller. */
  | { kind: 'invalid' }
  | { kind: 'expired'; expiresAt: Date };

const INVALID: FeedResolution = { kind: 'invalid' };

/**
 * From URL parts to the bytes of a feed: structure check (no database), the feed's head (from
 * memory, or one batched lookup), constant-time signature check, expiry, then the cached rendering when it was made
 * from exactly that head, else a render (one at a time per feed; concurrent polls share it).
 *
 * The steps are also exposed one by one (claims, lookup, settle) so that the HTTP handler's hot
 * path (a cached poll) creates no promise at all: only a lookup that misses memory is asynchronous.
 */
@Injectable()
export class FeedServingService {
  private readonly clock = new FeedDayClock();
  private readonly inflight = new Map<string, Promise<RenderedFeed | null>>();

  constructor(
    private readonly tokens: FeedTokenService,
    private readonly heads: FeedHeadStore,
    private readonly renderer: FeedRenderer,
    private readonly cache: FeedCache,
  ) {}

  /** All steps: what a feed URL gives right now. */
  async resolve(staffId: string, token: string, now = Date.now()): Promise<FeedResolution> {
    const claims = this.claims(staffId, token);
    if (!claims) return INVALID;
    return this.settle(staffId, token, claims, await this.lookup(staffId, claims), now);
  }

  /** Step 1, no database: the URL's claims, or null when it cannot be a feed URL. */
  claims(staffId: string, token: string): FeedClaims | null {
    return this.tokens.claims(staffId, token);
  }

  /** Step 2: the feed's head — from memory (synchronously) while it is current, else from Postgres (batched). */
  lookup(staffId: string, claims: FeedClaims): FeedHead | null | Promise<FeedHead | null> {
    return this.heads.get(staffId, claims.venueId);
  }

  /** Step 3: verify and answer; synchronous unless the feed has to be rendered. */
  settle(staffId: string, token: string, claims: FeedClaims, head: FeedHead | null, now = Date.now()): FeedResolution | Promise<FeedResolution> {
    if (!this.tokens.verify(staffId, token, claims, head?.salt ?? null) || !head) return INVALID;
    if (claims.expiresAt * 1000 <= now) return { kind: 'expired', expiresAt: new Date(claims.expiresAt * 1000) };
    const id = feedId(staffId, claims.venueId);
    const day = this.clock.today(head.timezone);
    const cached = this.cache.feeds.get(id);
    if (cached && isRenderingOf(cached, head, day)) return { kind: 'feed', id, feed: cached };
    // The feed vanished between lookup and render (venue left, staff removed): same as unknown.
    return this.fresh(id, head, day).then((feed) => (feed ? { kind: 'feed', id, feed } : INVALID));
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
