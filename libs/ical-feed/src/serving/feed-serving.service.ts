import { Injectable } from '@nestjs/common';
import { FeedHead } from '../feeds/feeds.repository';
import { FeedRenderer } from '../rendering/feed-renderer.service';
import { RecentMap } from '../common/recent-map';
import { FeedTokenService } from '../tokens/feed-token.service';
import { FeedCache } from './feed-cache';
import { FeedDayClock } from './feed-day';
import { FeedHeadStore } from './feed-head-store';
import { FeedUrl, parseFeedUrl } from './feed-url';
import { noneMatch } from './if-none-match';
import { FeedValidator, gzipEtagOf, isAtLeastAsNew, isRenderingOf, RenderedFeed, versionsOf } from './rendered-feed';

export type FeedResolution =
  | { kind: 'feed'; id: string; feed: RenderedFeed }
  /** Asked with an If-None-Match that names the current rendering, whose bytes are not in memory. */
  | { kind: 'not_modified'; id: string; validator: FeedValidator }
  /** Malformed, unknown, badly signed, rotated or for a venue the person left: all the same to the caller. */
  | { kind: 'invalid' }
  | { kind: 'expired'; expiresAt: Date };

const INVALID: FeedResolution = { kind: 'invalid' };

/** Feed URLs remembered once verified (per generation, see RecentMap). */
const URL_MEMO_ENTRIES = 50_000;

/**
 * From a request URL to the bytes of a feed: structure check (no database), the feed's head
 * (from memory, or one batched lookup), constant-time signature check, expiry, then the cached
 * rendering when it was made from exactly that head, else a render (one at a time per feed;
 * concurrent polls share it).
 *
 * The steps are also exposed one by one (parse, lookup, settle) so that the HTTP handler's hot
 * path (a cached poll) creates no promise at all: only a lookup that misses memory is
 * asynchronous. A URL that verified is remembered taken apart (FeedUrl): its next poll is one
 * lookup by the raw URL, then map lookups by strings made once.
 */
@Injectable()
export class FeedServingService {
  private readonly clock = new FeedDayClock();
  private readonly inflight = new Map<string, Promise<RenderedFeed | null>>();
  /** Raw URL -> its parts, for URLs that verified (a remembered URL is re-verified every poll). */
  private readonly urls = new RecentMap<string, FeedUrl>(URL_MEMO_ENTRIES);

  constructor(
    private readonly tokens: FeedTokenService,
    private readonly heads: FeedHeadStore,
    private readonly renderer: FeedRenderer,
    private readonly cache: FeedCache,
  ) {}

  /** All steps: what a feed URL gives right now. */
  async resolve(rawUrl: string, now = Date.now()): Promise<FeedResolution> {
    const url = this.parse(rawUrl);
    if (!url) return INVALID;
    return this.settle(url, await this.lookup(url, now), now);
  }

  /** Step 1, no database: the URL taken apart, or null when it cannot be a feed URL. */
  parse(rawUrl: string): FeedUrl | null {
    return this.urls.get(rawUrl) ?? parseFeedUrl(rawUrl);
  }

  /** Step 2: the feed's head — from memory (synchronously) while it is current, else from Postgres (batched). */
  lookup(url: FeedUrl, now = Date.now()): FeedHead | null | Promise<FeedHead | null> {
    return this.heads.get(url.staffId, url.claims.venueId, now);
  }

  /** Step 3: verify and answer; synchronous unless the feed has to be rendered. */
  settle(url: FeedUrl, head: FeedHead | null, now = Date.now(), ifNoneMatch?: string): FeedResolution | Promise<FeedResolution> {
    if (!this.tokens.verify(url.staffId, url.tokenKey, url.claims, head?.salt ?? null) || !head) {
      if (url.remembered) {
        url.remembered = false;
        this.urls.delete(url.raw);
      }
      return INVALID;
    }
    if (!url.remembered) {
      url.remembered = true;
      this.urls.set(url.raw, url);
    }
    const { claims, feedId: id } = url;
    if (claims.expiresAt * 1000 <= now) return { kind: 'expired', expiresAt: new Date(claims.expiresAt * 1000) };
    const day = this.clock.today(head.timezone, now);
    const cached = this.cache.feeds.get(id);
    if (cached && isRenderingOf(cached, head, day)) {
      if (url.answer?.feed !== cached) url.answer = { kind: 'feed', id, feed: cached };
      return url.answer;
    }
    // Evicted, but the poll already has it: a 304 needs its validators, not its bytes.
    if (ifNoneMatch) {
      const validator = this.cache.validators.get(id);
      if (validator && isRenderingOf(validator, head, day) && noneMatch(ifNoneMatch, validator.etag, gzipEtagOf(validator.etag))) {
        return { kind: 'not_modified', id, validator };
      }
    }
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
