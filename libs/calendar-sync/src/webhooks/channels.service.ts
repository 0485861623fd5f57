import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { SyncCalendar } from '../connections/entities/sync-calendar.entity';
import { LIVE_STATUSES, SyncConnection } from '../connections/entities/sync-connection.entity';
import type { AccountContext, CalendarProvider, WatchChannel } from '../providers/calendar-provider';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';

/** Distinct channel ids looked up per query when a webhook brings many. */
const LOOKUP_CHUNK = 1000;

interface ChannelRow {
  id: string;
  connection_id: string;
  calendar_id: string;
  channel_id: string;
  resource_id: string | null;
  token_hash: string;
  expires_at: Date;
  /** When the channel's current term began: opened, or last renewed in place. */
  created_at: Date;
}

/**
 * What a provider's notification says about a channel, in the engine's terms (the webhook
 * controllers translate their provider's wording).
 */
export type ChannelSignal =
  /** Something changed in the calendar: pull what changed. */
  | 'changed'
  /** The provider lost notifications (Graph `missed`): list the calendars again in full. */
  | 'missed'
  /** The channel must be renewed now (Graph `reauthorizationRequired`). */
  | 'renew'
  /** The provider dropped the channel (Graph `subscriptionRemoved`): open a new one. */
  | 'removed';

/**
 * Push-notification channels for providers that have them (Google watch channels, Graph
 * subscriptions; CalDAV has none and polls). After each pull the engine makes sure every pulled
 * calendar has a channel that outlives the next pulls: an expiring channel is renewed in place
 * when the provider can (Graph `PATCH`), otherwise replaced (Google has no renewal call: a new
 * channel, then the old one stopped). A notification only wakes a pull; the cron fallback keeps
 * sync correct when notifications are lost.
 */
@Injectable()
export class ChannelsService {
  private readonly logger = new Logger(ChannelsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: SyncQueues,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  /** Channels for every pulled calendar, none for the others. Failures are logged: polling goes on regardless. */
  async ensure(connection: SyncConnection, provider: CalendarProvider, account: AccountContext, pulled: SyncCalendar[]): Promise<void> {
    if (!provider.capabilities.watch || !provider.watch) return;
    const existing = await this.forConnection(connection.id);
    for (const calendar of pulled) {
      const current = existing.filter((c) => c.calendar_id === calendar.id);
      if (current.some((c) => !dueForRenewal(c, Date.now(), this.config.channels.renewWithinMs))) continue;
      const expiresAt = new Date(Date.now() + this.config.channels.ttlMs);
      if (current.length && (await this.renew(provider, account, current, expiresAt))) continue;
      try {
        const token = randomBytes(32).toString('base64url');
        const channel = await provider.watch(
          account,
          { id: calendar.id, externalId: calendar.externalId, timezone: calendar.timezone, metadata: calendar.metadata },
          { webhookUrl: `${this.config.channels.webhookBaseUrl}/${provider.key}`, token, expiresAt },
        );
        await this.dataSource.query(
          `INSERT INTO sync_channels (connection_id, calendar_id, channel_id, resource_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [connection.id, calendar.id, channel.id, channel.resourceId, hash(token), channel.expiresAt],
        );
      } catch (error) {
        this.logger.warn({ connectionId: connection.id, calendarId: calendar.id, err: (error as Error).message }, 'Could not open a push channel; polling only');
        continue;
      }
      for (const old of current) await this.stopOne(provider, account, old);
    }
    const pulledIds = new Set(pulled.map((c) => c.id));
    for (const stale of existing.filter((c) => !pulledIds.has(c.calendar_id))) await this.stopOne(provider, account, stale);
  }

  /**
   * A provider called our webhook for `channelId` with `token`. When the token matches (compared
   * in constant time) a pull of that connection is queued — deduplicated: notifications arriving
   * while one waits or runs cost at most one more pull — after acting on the signal: `missed`
   * lists everything again, `renew` has the channel renewed by that pull, `removed` forgets the
   * channel so that pull opens a new one. Returns whether the token matched.
   */
  async notify(providerKey: string, channelId: string, token: string, signal: ChannelSignal = 'changed'): Promise<boolean> {
    return (await this.notifyMany(providerKey, [{ channelId, token, signal }])) === 1;
  }

  /**
   * {@link notify} for a batch (a Graph POST carries many notifications): the channels are looked
   * up with one query per {@link LOOKUP_CHUNK} distinct ids, renewals and removals are one
   * statement each, and each woken connection gets one pull request — so a batch of thousands of
   * made-up ids costs a few queries, not one per id. Returns how many notifications matched.
   */
  async notifyMany(providerKey: string, notifications: ReadonlyArray<{ channelId: string; token: string; signal?: ChannelSignal }>): Promise<number> {
    const ids = [...new Set(notifications.map((n) => n.channelId))];
    const byChannel = new Map<string, Array<ChannelRow & { status: string }>>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows: Array<ChannelRow & { status: string }> = await this.dataSource.query(
        `SELECT ch.*, c.status FROM sync_channels ch JOIN sync_connections c ON c.id = ch.connection_id
          WHERE ch.channel_id = ANY($1::text[]) AND c.provider = $2`,
        [ids.slice(i, i + LOOKUP_CHUNK), providerKey],
      );
      for (const row of rows) byChannel.set(row.channel_id, [...(byChannel.get(row.channel_id) ?? []), row]);
    }
    let matched = 0;
    const renew = new Set<string>();
    const removed = new Set<string>();
    const pulls = new Map<string, { full: boolean; signals: Set<ChannelSignal> }>();
    for (const { channelId, token, signal = 'changed' } of notifications) {
      const rows = byChannel.get(channelId);
      if (!rows) continue;
      const presented = Buffer.from(hash(token), 'hex');
      const match = rows.find((r) => timingSafeEqual(Buffer.from(r.token_hash, 'hex'), presented));
      if (!match) continue;
      matched++;
      if (!LIVE_STATUSES.includes(match.status as (typeof LIVE_STATUSES)[number])) continue;
      if (signal === 'renew') renew.add(match.id);
      if (signal === 'removed') removed.add(match.id);
      const pull = pulls.get(match.connection_id) ?? { full: false, signals: new Set<ChannelSignal>() };
      pull.full ||= signal === 'missed';
      pull.signals.add(signal);
      pulls.set(match.connection_id, pull);
    }
    if (renew.size) await this.dataSource.query(`UPDATE sync_channels SET expires_at = LEAST(expires_at, now()) WHERE id = ANY($1::uuid[])`, [[...renew]]);
    if (removed.size) await this.dataSource.query(`DELETE FROM sync_channels WHERE id = ANY($1::uuid[])`, [[...removed]]);
    for (const [connectionId, pull] of pulls) {
      await this.queues.requestNotifiedPull(connectionId, { full: pull.full, refetch: false, reason: `notification (${[...pull.signals].join(', ')})` });
    }
    return matched;
  }

  /** Stops every channel of a connection (disconnect). `account` null: the credentials are gone, the channels just expire. */
  async stopAll(connectionId: string, provider: CalendarProvider, account: AccountContext | null): Promise<void> {
    for (const channel of await this.forConnection(connectionId)) await this.stopOne(provider, account, channel);
  }

  async hasChannels(connectionId: string): Promise<boolean> {
    return (await this.forConnection(connectionId)).length > 0;
  }

  /**
   * Renews the calendar's newest channel in place when the provider can, stopping any older
   * ones. False when it cannot (no renewal call, or the provider no longer knows the channel).
   */
  private async renew(provider: CalendarProvider, account: AccountContext, current: ChannelRow[], expiresAt: Date): Promise<boolean> {
    if (!provider.renewWatch) return false;
    const latest = current[current.length - 1];
    try {
      const renewed = await provider.renewWatch(account, toWatchChannel(latest), expiresAt);
      // created_at: the start of the channel's current term (see dueForRenewal).
      await this.dataSource.query(`UPDATE sync_channels SET channel_id = $2, resource_id = $3, expires_at = $4, created_at = now() WHERE id = $1`, [
        latest.id,
        renewed.id,
        renewed.resourceId,
        renewed.expiresAt,
      ]);
    } catch (error) {
      this.logger.warn({ connectionId: latest.connection_id, channelId: latest.id, err: (error as Error).message }, 'Could not renew a push channel; opening a new one');
      return false;
    }
    for (const old of current.slice(0, -1)) await this.stopOne(provider, account, old);
    return true;
  }

  private forConnection(connectionId: string): Promise<ChannelRow[]> {
    return this.dataSource.query(`SELECT * FROM sync_channels WHERE connection_id = $1 ORDER BY expires_at`, [connectionId]);
  }

  private async stopOne(provider: CalendarProvider, account: AccountContext | null, channel: ChannelRow): Promise<void> {
    if (account && provider.unwatch) {
      try {
        await provider.unwatch(account, toWatchChannel(channel));
      } catch (error) {
        this.logger.warn({ channelId: channel.id, err: (error as Error).message }, 'Could not stop a push channel; it will expire');
      }
    }
    await this.dataSource.query(`DELETE FROM sync_channels WHERE id = $1`, [channel.id]);
  }
}

/**
 * A channel is renewed (or replaced) once less than the renewal window remains — or, when the
 * provider grants terms shorter than twice the window (Graph: under three days, against a window
 * of three pull intervals), once less than half its term remains, so that it is not renewed at
 * every pull. Never later than an hour before it expires.
 */
export function dueForRenewal(channel: { expires_at: Date; created_at: Date }, now: number, renewWithinMs: number): boolean {
  const expiresAt = new Date(channel.expires_at).getTime();
  const term = expiresAt - new Date(channel.created_at).getTime();
  return expiresAt - now <= Math.max(Math.min(renewWithinMs, term / 2), Math.min(renewWithinMs, 3_600_000));
}

function toWatchChannel(row: ChannelRow): WatchChannel {
  return { id: row.channel_id, resourceId: row.resource_id, expiresAt: new Date(row.expires_at) };
}

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
