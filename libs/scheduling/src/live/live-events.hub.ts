import { databaseConfig } from '@calbridge/database';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Client } from 'pg';
import { OUTBOX_CHANNEL } from '../outbox/outbox.repository';
import { LiveCursor } from './live-cursor';
import { LiveEventRow, LiveEventsRepository } from './live-events.repository';

/** Fallback poll while anyone listens (a row can become readable without a new NOTIFY). */
const POLL_MS = 500;
const BATCH = 500;
/**
 * Committed rows held back behind an older, still-running transaction (anywhere on the server)
 * are asked for again after these waits — 10, 20, 30 ms, then every 50 ms for about two seconds
 * (one indexed read per venue stream while something is held; then the poll takes over): such a
 * transaction usually ends within milliseconds, and waiting for the 500 ms poll was most of the
 * stream's p99 on a busy server.
 */
const HELD_RETRY_MS = [10, 20, 30, ...Array.from({ length: 40 }, () => 50)];

export interface LiveSubscriber {
  readonly venueId: string;
  cursor: LiveCursor;
  /** Hands over rows in order; the hub moves the cursor past them. */
  deliver(rows: LiveEventRow[]): void;
  /** The process is shutting down: end the response. */
  close(): void;
}

/**
 * One per api process: wakes on the outbox's NOTIFY (delivered at commit) and on a short poll,
 * and reads each subscriber's venue from its own cursor. Several api processes each run their
 * own hub against the same table, so it works behind any load balancer.
 */
@Injectable()
export class LiveEventsHub implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveEventsHub.name);
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly running = new Map<LiveSubscriber, Promise<void>>();
  private readonly again = new Set<LiveSubscriber>();
  private readonly heldRetries = new Map<LiveSubscriber, { attempt: number; timer?: NodeJS.Timeout }>();
  private listener?: Client;
  private connecting?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly events: LiveEventsRepository,
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
  ) {}

  async add(sub: LiveSubscriber): Promise<void> {
    if (this.stopped) throw new Error('shutting down');
    this.subscribers.add(sub);
    await this.ensureListening();
    if (!this.timer) {
      this.timer = setInterval(() => this.wakeAll(), POLL_MS);
      this.timer.unref();
    }
    this.wake(sub);
  }

  remove(sub: LiveSubscriber): void {
    this.subscribers.delete(sub);
    this.again.delete(sub);
    const held = this.heldRetries.get(sub);
    if (held?.timer) clearTimeout(held.timer);
    this.heldRetries.delete(sub);
    if (!this.subscribers.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.subscribers.size;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const state of this.heldRetries.values()) if (state.timer) clearTimeout(state.timer);
    this.heldRetries.clear();
    for (const sub of [...this.subscribers]) sub.close();
    this.subscribers.clear();
    await Promise.allSettled([...this.running.values()]);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private wakeAll(): void {
    for (const sub of this.subscribers) this.wake(sub);
  }

  /** One read at a time per subscriber; a wake during a read runs another right after. */
  private wake(sub: LiveSubscriber): void {
    if (this.running.has(sub)) {
      this.again.add(sub);
      return;
    }
    const run = (async () => {
      let held = false;
      try {
        do {
          this.again.delete(sub);
          let rows: LiveEventRow[];
          do {
            if (!this.subscribers.has(sub)) return;
            ({ rows, held } = await this.events.after(sub.venueId, sub.cursor, BATCH));
            if (!rows.length || !this.subscribers.has(sub)) break;
            const last = rows[rows.length - 1];
            sub.cursor = { xid: last.xid, id: last.id };
            sub.deliver(rows);
          } while (rows.length === BATCH && !held);
        } while (this.again.has(sub));
        this.retryHeld(sub, held);
      } catch (error) {
        this.logger.warn({ err: error }, 'Live stream read failed; the next poll retries');
      } finally {
        this.running.delete(sub);
      }
    })();
    this.running.set(sub, run);
  }

  /** Held rows: look again shortly (backing off); none held: forget the back-off. */
  private retryHeld(sub: LiveSubscriber, held: boolean): void {
    const state = this.heldRetries.get(sub) ?? { attempt: 0 };
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    if (!held || state.attempt >= HELD_RETRY_MS.length || !this.subscribers.has(sub)) {
      if (!held) this.heldRetries.delete(sub);
      else this.heldRetries.set(sub, state);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.wake(sub);
    }, HELD_RETRY_MS[state.attempt++]);
    state.timer.unref();
    this.heldRetries.set(sub, state);
  }

  private ensureListening(): Promise<void> {
    if (this.listener || this.stopped) return Promise.resolve();
    this.connecting ??= this.listen().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.db.url, application_name: 'calbridge-live-stream' });
    client.on('notification', () => {
      // A new commit: rows it holds back behind a short transaction deserve the quick retries again.
      for (const state of this.heldRetries.values()) state.attempt = 0;
      this.wakeAll();
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'Live stream LISTEN connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      setTimeout(() => {
        if (!this.stopped && this.subscribers.size) void this.ensureListening();
      }, 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not LISTEN for outbox events; the live stream polls');
      await client.end().catch(() => undefined);
    }
  }
}
