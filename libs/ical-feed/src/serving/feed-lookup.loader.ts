import { Injectable } from '@nestjs/common';
import { FeedHead, FeedKey, FeedsRepository } from '../feeds/feeds.repository';
import { feedId } from './rendered-feed';

/** Feeds per query (larger batches are split). */
const MAX_BATCH = 500;
/** Lookup queries in flight at once; polls arriving meanwhile wait for the next one. */
const MAX_IN_FLIGHT = 2;

interface Waiter {
  resolve: (head: FeedHead | null) => void;
  reject: (error: unknown) => void;
}

type Batch = Map<string, { key: FeedKey; waiters: Waiter[] }>;

/**
 * Looks up feed heads for polls, batching concurrent polls into one query (group commit style):
 * polls that arrive while lookups are in flight join the next batch, which is sent as soon as
 * a lookup slot frees up. A batch's query is always sent after every poll in it arrived, so
 * each poll sees every change committed before it arrived: batching saves round trips, never
 * freshness. Results are not kept.
 */
@Injectable()
export class FeedLookupLoader {
  private pending: Batch = new Map();
  private scheduled = false;
  private inFlight = 0;

  constructor(private readonly feeds: FeedsRepository) {}

  load(staffId: string, venueId: string): Promise<FeedHead | null> {
    return new Promise((resolve, reject) => {
      const id = feedId(staffId, venueId);
      const entry = this.pending.get(id);
      if (entry) entry.waiters.push({ resolve, reject });
      else this.pending.set(id, { key: { staffId, venueId }, waiters: [{ resolve, reject }] });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || !this.pending.size) return;
    this.scheduled = true;
    // Let the polls that arrived in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || !this.pending.size) return;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    for (let i = 0; i < entries.length; i += MAX_BATCH) this.query(entries.slice(i, i + MAX_BATCH));
  }

  private query(entries: Array<{ key: FeedKey; waiters: Waiter[] }>): void {
    this.inFlight++;
    this.feeds
      .heads(entries.map((e) => e.key))
      .then(
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
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
  }
}
