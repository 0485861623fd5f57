import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LruCache } from '../common/lru-cache';
import { FeedHeadsEvents, FeedHeadsListener } from '../feeds/feed-heads.listener';
import type { FeedHead } from '../feeds/feeds.repository';
import { feedConfig } from '../ical-feed.config';
import { FeedLookupLoader } from './feed-lookup.loader';

/**
 * The heads of the feeds this process serves, in memory, so that an unchanged poll is a
 * signature check and two map lookups: no Postgres round trip.
 *
 * Kept current by FeedHeadsListener (LISTEN/NOTIFY at commit): a notification about a staff
 * member drops their heads, one about a venue (rare) drops everything, a reconnect drops
 * everything. Memory answers only while the listener is proven current within
 * FEED_HEAD_MAX_STALENESS_MS (and has seen this process's own last commit); otherwise, and on a
 * miss, the head comes from Postgres through the batched FeedLookupLoader and is remembered —
 * unless a notification about it arrived while it was being read (the read may predate the
 * change), or the listener reconnected meanwhile.
 */
@Injectable()
export class FeedHeadStore implements FeedHeadsEvents, OnModuleInit {
  /** staff id -> (venue id -> head). Bounded by staff members. */
  private readonly heads: LruCache<string, Map<string, FeedHead>>;
  /** Grows with every notification; a read remembers its value when it starts. */
  private seq = 0;
  private everythingChangedAt = 0;
  /** Staff changed while reads were in flight (cleared when none is). */
  private readonly staffChangedAt = new Map<string, number>();
  private readsInFlight = 0;

  constructor(
    private readonly listener: FeedHeadsListener,
    private readonly loader: FeedLookupLoader,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>,
  ) {
    this.heads = new LruCache(config.heads.maxEntries);
  }

  onModuleInit(): void {
    this.listener.subscribe(this);
    // Read-your-writes: a change committed by this process is seen by its next poll (the
    // listener distrusts memory until its notification has certainly arrived).
    this.dataSource.subscribers.push({ afterTransactionCommit: () => this.listener.localCommit() });
  }

  /** The feed's head: from memory when it may answer (synchronously), else from Postgres. */
  get(staffId: string, venueId: string, now = Date.now()): FeedHead | null | Promise<FeedHead | null> {
    if (this.listener.fresh(now)) {
      const hit = this.heads.get(staffId)?.get(venueId);
      if (hit) return hit;
    } else {
      this.listener.ensureStarted();
    }
    return this.read(staffId, venueId);
  }

  /** Heads held (staff members), for metrics and tests. */
  get size(): number {
    return this.heads.size;
  }

  staffChanged(staffId: string): void {
    this.seq++;
    this.heads.delete(staffId);
    if (this.readsInFlight) this.staffChangedAt.set(staffId, this.seq);
  }

  venueChanged(): void {
    this.reset();
  }

  reset(): void {
    this.seq++;
    this.everythingChangedAt = this.seq;
    this.heads.clear();
  }

  private async read(staffId: string, venueId: string): Promise<FeedHead | null> {
    const startedAt = this.seq;
    const generation = this.listener.generation;
    const listening = this.listener.isListening;
    this.readsInFlight++;
    try {
      const head = await this.loader.load(staffId, venueId);
      const unchanged =
        listening &&
        generation === this.listener.generation &&
        this.everythingChangedAt <= startedAt &&
        (this.staffChangedAt.get(staffId) ?? 0) <= startedAt;
      if (head && unchanged) {
        let feeds = this.heads.get(staffId);
        if (!feeds) this.heads.set(staffId, (feeds = new Map()));
        feeds.set(venueId, head);
      }
      return head;
    } finally {
      if (--this.readsInFlight === 0) this.staffChangedAt.clear();
    }
  }
}
