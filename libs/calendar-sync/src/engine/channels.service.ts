import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { SyncCalendar } from '../connections/entities/sync-calendar.entity';
import { LIVE_STATUSES, SyncConnection } from '../connections/entities/sync-connection.entity';
import type { AccountContext, CalendarProvider } from '../providers/calendar-provider';
import { SyncQueues } from '../queues/sync-queues.service';
import { syncConfig } from '../sync.config';

interface ChannelRow {
  id: string;
  connection_id: string;
  calendar_id: string;
  channel_id: string;
  resource_id: string | null;
  token_hash: string;
  expires_at: Date;
}

/**
 * Push-notification channels for providers that have them (Google watch channels, Graph
 * subscriptions; CalDAV has none and polls). After each pull the engine makes sure every pulled
 * calendar has a channel that outlives the next pulls, replacing expiring ones (there is no
 * renewal call: a new channel, then the old one stopped). A notification only wakes a pull; the
 * cron fallback keeps sync correct when notifications are lost.
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
    const renewBefore = Date.now() + this.config.channels.renewWithinMs;
    for (const calendar of pulled) {
      const current = existing.filter((c) => c.calendar_id === calendar.id);
      if (current.some((c) => new Date(c.expires_at).getTime() > renewBefore)) continue;
      try {
        const token = randomBytes(32).toString('base64url');
        const channel = await provider.watch(
          account,
          { id: calendar.id, externalId: calendar.externalId, timezone: calendar.timezone, metadata: calendar.metadata },
          { webhookUrl: `${this.config.channels.webhookBaseUrl}/${provider.key}`, token, expiresAt: new Date(Date.now() + this.config.channels.ttlMs) },
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
   * A provider called our webhook for `channelId` with `token`: a pull of that connection is
   * queued when the token matches (compared in constant time). Returns whether it matched.
   */
  async notify(providerKey: string, channelId: string, token: string): Promise<boolean> {
    const rows: Array<ChannelRow & { status: string }> = await this.dataSource.query(
      `SELECT ch.*, c.status FROM sync_channels ch JOIN sync_connections c ON c.id = ch.connection_id
        WHERE ch.channel_id = $1 AND c.provider = $2`,
      [channelId, providerKey],
    );
    const presented = Buffer.from(hash(token), 'hex');
    const match = rows.find((r) => timingSafeEqual(Buffer.from(r.token_hash, 'hex'), presented));
    if (!match) return false;
    if (!LIVE_STATUSES.includes(match.status as (typeof LIVE_STATUSES)[number])) return true;
    await this.queues.requestPull(match.connection_id, { full: false, refetch: false, reason: 'notification' }, `w${match.id}-${Math.floor(Date.now() / 1000)}`);
    return true;
  }

  /** Stops every channel of a connection (disconnect). `account` null: the credentials are gone, the channels just expire. */
  async stopAll(connectionId: string, provider: CalendarProvider, account: AccountContext | null): Promise<void> {
    for (const channel of await this.forConnection(connectionId)) await this.stopOne(provider, account, channel);
  }

  async hasChannels(connectionId: string): Promise<boolean> {
    return (await this.forConnection(connectionId)).length > 0;
  }

  private forConnection(connectionId: string): Promise<ChannelRow[]> {
    return this.dataSource.query(`SELECT * FROM sync_channels WHERE connection_id = $1 ORDER BY expires_at`, [connectionId]);
  }

  private async stopOne(provider: CalendarProvider, account: AccountContext | null, channel: ChannelRow): Promise<void> {
    if (account && provider.unwatch) {
      try {
        await provider.unwatch(account, { id: channel.channel_id, resourceId: channel.resource_id, expiresAt: new Date(channel.expires_at) });
      } catch (error) {
        this.logger.warn({ channelId: channel.id, err: (error as Error).message }, 'Could not stop a push channel; it will expire');
      }
    }
    await this.dataSource.query(`DELETE FROM sync_channels WHERE id = $1`, [channel.id]);
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
