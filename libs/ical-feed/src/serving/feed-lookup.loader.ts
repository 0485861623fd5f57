import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FeedHead, FeedKey, FeedsRepository } from '../feeds/feeds.repository';
import { feedId } from './rendered-feed';

/** Feeds per query (larger batches are split). */
const MAX_BATCH = 500;
/** A lookup leaves as soon as this many polls wait for it... */
const GROUP_SIZE = 32;
/** ...or this long after the first of them arrived, whichever comes first. */
const GROUP_WAIT_MS = 1;

interface Waiter {
  resolve: (head: FeedHead | null) => void;
  reject: (error: unknown) => void;
}

type Batch = Map<string, { key: FeedKey; waiters: Waiter[] }>;

/**
 * Looks up feed heads for polls, batching concurrent polls into one query (group commit): one
 * lookup at a time; polls that arrive meanwhile join the next one, which leaves when the current
 * one is answered and either GROUP_SIZE polls wait or the first of them has waited GROUP_WAIT_MS.
 * Under load one query answers dozens of polls (the database round trip is what a cached poll
 * costs); a lone poll waits at most a millisecond. A batch's query is always sent after every
 * poll in it arrived, so each poll sees every change committed before it arrived: batching
 * saves round trips, never freshness. Results are not kept.
 */
@Injectable()
export class FeedLookupLoader implements OnApplicationShutdown {
  private pending: Batch = new Map();
  private waiting = 0;
  private inFlight = false;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;

  constructor(private readonly feeds: FeedsRepository) {}

  load(staffId: string, venueId: string): Promise<FeedHead | null> {
    return new Promise((resolve, reject) => {
      const id = feedId(staffId, venueId);
      const entry = this.pending.get(id);
      if (entry) entry.waiters.push({ resolve, reject });
      else this.pending.set(id, { key: { staffId, venueId }, waiters: [{ resolve, reject }] });
      this.waiting++;
      this.schedule();
    });
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private schedule(): void {
    if (this.inFlight || !this.waiting || this.immediate) return;
    if (this.waiting >= GROUP_SIZE) {
      clearTimeout(this.timer);
      this.timer = undefined;
      // Let the polls that arrived in this turn of the event loop join the batch.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, GROUP_WAIT_MS);
    }
  }

  private flush(): void {
    if (this.inFlight || !this.waiting) return;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    this.waiting = 0;
    this.inFlight = true;
    const queries = [];
    for (let i = 0; i < entries.length; i += MAX_BATCH) queries.push(this.query(entries.slice(i, i + MAX_BATCH)));
    void Promise.all(queries).finally(() => {
      this.inFlight = false;
      this.schedule();
    });
  }

  private query(entries: Array<{ key: FeedKey; waiters: Waiter[] }>): Promise<void> {
    return this.feeds.heads(entries.map((e) => e.key)).then(
      (heads) => {
        const byId = new Map(heads.map((h) => [feedId(h.staffId, h.venueId), h]));
        for (const entry of entries) {
          const head = byId.get(feedId(entry.key.staffId, entry.key.venueId)) ?? null;
          for (const w of entry.waiters) w.resolve(head);
        }
      },
      (error: unknown) => {
        for (const entry of entries) for (const w of entry.waiters) w.reject(error);
      },
    );
  }
}
