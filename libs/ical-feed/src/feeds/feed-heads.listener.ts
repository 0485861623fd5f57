import { databaseConfig } from '@calbridge/database';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { Client, Notification } from 'pg';
import { feedConfig } from '../ical-feed.config';

/** Where Postgres announces changed feed heads (migration FeedHeadNotifications1795900000000). */
export const FEED_HEADS_CHANNEL = 'calbridge_feed_heads';

export interface FeedHeadsEvents {
  /** A staff member's schedule version, name or one of their feeds changed. */
  staffChanged(staffId: string): void;
  /** A venue's name or zone changed. */
  venueChanged(venueId: string): void;
  /** Notifications may have been missed (connection lost, reconnected): forget everything. */
  reset(): void;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 10_000;

/**
 * This process's subscription to feed head changes: one Postgres connection of its own doing
 * `LISTEN calbridge_feed_heads`, plus a heartbeat that proves how current it is.
 *
 * Postgres delivers notifications in commit order, so when a heartbeat this process sent at time
 * t comes back (a NOTIFY on a channel only this process listens to), every change committed
 * before t has been delivered. {@link fresh} is true while the newest heartbeat that came back
 * was sent less than FEED_HEAD_MAX_STALENESS_MS ago — and, for read-your-writes, after this
 * process's own last commit (see {@link localCommit}). Otherwise, and whenever the connection
 * is down, callers ask Postgres. After a reconnect, subscribers are told to forget everything
 * (notifications sent while it was down are lost) before memory is trusted again.
 *
 * Started on first use (processes that serve no feed never open the connection).
 */
@Injectable()
export class FeedHeadsListener implements OnApplicationShutdown {
  private readonly logger = new Logger(FeedHeadsListener.name);
  private readonly heartbeatChannel = `calbridge_feed_hb_${randomBytes(6).toString('hex')}`;
  private readonly maxStalenessMs: number;
  private subscriber?: FeedHeadsEvents;
  private client?: Client;
  private started = false;
  private closed = false;
  private listening = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private beatSeq = 0;
  private sending = false;
  private beatAgain = false;
  /** Heartbeats sent and not back yet: sequence number -> send time. */
  private readonly beatsInFlight = new Map<number, number>();
  /** Newest heartbeat that came back, and when it was sent: every commit before then is known. */
  private syncedSeq = 0;
  private syncedAt = Number.NEGATIVE_INFINITY;
  /** First heartbeat sent after this process's last commit: memory is not trusted until it is back. */
  private localCommitSeq = 0;
  /** Incremented on every (re)connect; state loaded under an earlier generation is stale. */
  generation = 0;

  constructor(
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
    @Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>,
  ) {
    this.maxStalenessMs = config.heads.maxStalenessMs;
  }

  /** The one consumer (FeedHeadStore) registers itself. */
  subscribe(subscriber: FeedHeadsEvents): void {
    this.subscriber = subscriber;
  }

  /** Opens the connection on first use. */
  ensureStarted(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connect();
    this.heartbeatTimer = setInterval(() => this.beat(), Math.max(25, Math.floor(this.maxStalenessMs / 4)));
    this.heartbeatTimer.unref();
  }

  /** True when memory may answer: listening, and proven current within the staleness bound. */
  fresh(now = Date.now()): boolean {
    return this.listening && this.syncedSeq >= this.localCommitSeq && now - this.syncedAt <= this.maxStalenessMs;
  }

  /** Listening right now (state loaded now will be kept current by notifications). */
  get isListening(): boolean {
    return this.listening;
  }

  /** How far behind memory may be, in ms (for /health and metrics); null while not listening. */
  stalenessMs(now = Date.now()): number | null {
    return this.listening && Number.isFinite(this.syncedAt) ? now - this.syncedAt : null;
  }

  /**
   * A transaction of this process committed: until a heartbeat sent after it comes back, polls
   * ask Postgres (so a change made through this api is visible on its very next poll).
   */
  localCommit(): void {
    if (!this.started) return;
    this.localCommitSeq = this.beatSeq + 1;
    this.beat();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    if (this.closed) return;
    const client = new Client({ connectionString: this.db.url, application_name: 'calbridge-feed-heads' });
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) {
        this.client = undefined;
        this.listening = false;
        if (!this.closed) {
          this.logger.warn({ err: error }, 'Feed head notifications lost; polls ask Postgres until they are back');
          this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectDelay);
          this.reconnectTimer.unref();
          this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
        }
      }
      client.end().catch(() => undefined);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => this.onNotification(n));
    client
      .connect()
      .then(() => client.query(`LISTEN ${FEED_HEADS_CHANNEL}; LISTEN ${this.heartbeatChannel}`))
      .then(() => {
        if (this.client !== client) return;
        // Whatever happened while no one listened is unknown: start from nothing.
        this.generation++;
        this.beatsInFlight.clear();
        this.syncedAt = Number.NEGATIVE_INFINITY;
        this.syncedSeq = this.beatSeq;
        this.sending = false;
        this.beatAgain = false;
        this.subscriber?.reset();
        this.listening = true;
        this.reconnectDelay = RECONNECT_MIN_MS;
        this.beat();
      })
      .catch((error: Error) => onLost(error));
  }

  /** Sends a heartbeat; one query at a time on the connection (a beat asked for meanwhile follows it). */
  private beat(): void {
    const client = this.client;
    if (!client || !this.listening) return;
    if (this.sending) {
      this.beatAgain = true;
      return;
    }
    this.sending = true;
    const seq = ++this.beatSeq;
    this.beatsInFlight.set(seq, Date.now());
    client
      .query('SELECT pg_notify($1, $2)', [this.heartbeatChannel, String(seq)])
      .catch(() => this.beatsInFlight.delete(seq))
      .finally(() => {
        this.sending = false;
        if (this.beatAgain) {
          this.beatAgain = false;
          this.beat();
        }
      });
  }

  private onNotification(n: Notification): void {
    if (n.channel === this.heartbeatChannel) {
      const seq = Number(n.payload);
      const sentAt = this.beatsInFlight.get(seq);
      if (sentAt === undefined) return;
      for (const earlier of this.beatsInFlight.keys()) if (earlier <= seq) this.beatsInFlight.delete(earlier);
      if (seq > this.syncedSeq) {
        this.syncedSeq = seq;
        this.syncedAt = sentAt;
      }
      return;
    }
    const payload = n.payload ?? '';
    const id = payload.slice(2);
    if (payload.startsWith('s:')) this.subscriber?.staffChanged(id);
    else if (payload.startsWith('v:')) this.subscriber?.venueChanged(id);
    else this.subscriber?.reset();
  }
}
