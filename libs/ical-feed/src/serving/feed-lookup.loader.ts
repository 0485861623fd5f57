import { Injectable } from '@nestjs/common';
import { FeedHead, FeedKey, FeedsRepository } from '../feeds/feeds.repository';
import { feedId } from './rendered-feed';

/** Feeds per query (larger batches are split). */
const MAX_BATCH = 500;

interface Waiter {
  resolve: (head: FeedHead | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Looks up feed heads for polls, batching the polls that arrive in the same turn of the event
 * loop into one query (DataLoader style). The query is sent after every poll in the batch
 * arrived, so each poll sees every change committed before it arrived: batching saves round
 * trips, never freshness. Results are not kept.
 */
@Injectable()
export class FeedLookupLoader {
  private pending: Map<string, { key: FeedKey; waiters: Waiter[] }> | null = null;

  constructor(private readonly feeds: FeedsRepository) {}

  load(staffId: string, venueId: string): Promise<FeedHead | null> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        setImmediate(() => this.flush());
      }
      const id = feedId(staffId, venueId);
      const entry = this.pending.get(id);
      if (entry) entry.waiters.push({ resolve, reject });
      else this.pending.set(id, { key: { staffId, venueId }, waiters: [{ resolve, reject }] });
    });
  }

  private flush(): void {
    const entries = [...this.pending!.values()];
    this.pending = null;
    for (let i = 0; i < entries.length; i += MAX_BATCH) this.query(entries.slice(i, i + MAX_BATCH));
  }

  private query(entries: Array<{ key: FeedKey; waiters: Waiter[] }>): void {
    this.feeds.heads(entries.map((e) => e.key)).then(
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
