import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LruCache } from '../common/lru-cache';
import { feedConfig } from '../ical-feed.config';
import type { RenderedEvent } from '../rendering/feed-builder';
import type { RenderedFeed } from './rendered-feed';

/**
 * This process's rendered feeds (bounded by bytes) and rendered events (bounded by count).
 * Entries are never invalidated by messages: a feed entry is used only while its key matches
 * the versions read from Postgres for the request, and those change in the same transaction as
 * the data, so a poll right after a commit never sees the old rendering. Every api instance
 * keeps its own copy.
 */
@Injectable()
export class FeedCache {
  readonly feeds: LruCache<string, RenderedFeed>;
  readonly events: LruCache<string, RenderedEvent>;

  constructor(@Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>) {
    this.feeds = new LruCache(100_000, config.cache.maxBytes);
    this.events = new LruCache(config.cache.maxEvents);
  }

  /** Stores a feed, weighing its bytes (and its gzip once made). */
  putFeed(id: string, feed: RenderedFeed): void {
    this.feeds.set(id, feed, weightOf(feed));
  }

  /** Re-weighs a cached feed after its gzip was added. */
  reweigh(id: string, feed: RenderedFeed): void {
    if (this.feeds.peek(id) === feed) this.feeds.set(id, feed, weightOf(feed));
  }
}

function weightOf(feed: RenderedFeed): number {
  return feed.body.length + (feed.gzipped?.length ?? 0) + 512;
}
