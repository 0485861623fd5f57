import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LruCache } from '../common/lru-cache';
import { feedConfig } from '../ical-feed.config';
import type { RenderedEvent } from '../rendering/feed-builder';
import type { FeedValidator, RenderedFeed } from './rendered-feed';

/**
 * This process's rendered feeds (bounded by bytes), their validators and rendered events (bounded by count).
 * Entries are never invalidated by messages: a feed entry is used only while its key matches
 * the versions read from Postgres for the request, and those change in the same transaction as
 * the data, so a poll right after a commit never sees the old rendering. Every api instance
 * keeps its own copy.
 */
@Injectable()
export class FeedCache {
  readonly feeds: LruCache<string, RenderedFeed>;
  readonly events: LruCache<string, RenderedEvent>;
  /**
   * The validators (source, ETag, Last-Modified) of the latest rendering of each feed, kept
   * when its bytes are evicted: a poll whose If-None-Match names an unchanged feed gets its 304
   * without a render. Bounded like the heads (FEED_HEAD_CACHE_MAX_ENTRIES), a few hundred bytes each.
   */
  readonly validators: LruCache<string, FeedValidator>;

  constructor(@Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>) {
    this.feeds = new LruCache(100_000, config.cache.maxBytes);
    this.events = new LruCache(config.cache.maxEvents);
    this.validators = new LruCache(config.heads.maxEntries);
  }

  /** Stores a feed, weighing its bytes (and its gzip once made), and its validators. */
  putFeed(id: string, feed: RenderedFeed): void {
    this.feeds.set(id, feed, weightOf(feed));
    this.validators.set(id, { source: feed.source, etag: feed.etag, lastModified: feed.lastModified });
  }

  /** Re-weighs a cached feed after its gzip was added. */
  reweigh(id: string, feed: RenderedFeed): void {
    if (this.feeds.peek(id) === feed) this.feeds.set(id, feed, weightOf(feed));
  }
}

function weightOf(feed: RenderedFeed): number {
  return feed.body.length + (feed.gzipped?.length ?? 0) + 512;
}
