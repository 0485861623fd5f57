import { rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RemoteCalendar } from '../providers/calendar-provider';
import type { ConnectionHealth } from '../engine/sync-error-policy';
import { SyncCalendar } from './entities/sync-calendar.entity';
import { LIVE_STATUSES, SyncConnection } from './entities/sync-connection.entity';

export interface NewConnection {
  id: string;
  staffId: string;
  provider: string;
  accountId: string;
  accountEmail: string;
  serverUrl: string | null;
  credentials: string;
  credentialsKeyId: string;
  metadata: Record<string, unknown>;
}

@Injectable()
export class ConnectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  findById(id: string, em?: EntityManager): Promise<SyncConnection | null> {
    return this.manager(em).getRepository(SyncConnection).findOneBy({ id });
  }

  /**
   * Locks the connection row for the rest of the transaction. FOR NO KEY UPDATE: pulls inserting
   * blocked slots (which reference the row) are not blocked by it. Lock order everywhere: the
   * staff row (touchSchedules) first, then the connection.
   */
  lock(em: EntityManager, id: string): Promise<SyncConnection | null> {
    return em.getRepository(SyncConnection).createQueryBuilder('c').where('c.id = :id', { id }).setLock('for_no_key_update').getOne();
  }

  findByAccount(em: EntityManager, staffId: string, provider: string, accountId: string): Promise<SyncConnection | null> {
    return em
      .getRepository(SyncConnection)
      .createQueryBuilder('c')
      .where('c.staff_id = :staffId AND c.provider = :provider AND c.account_id = :accountId', { staffId, provider, accountId })
      .setLock('for_no_key_update')
      .getOne();
  }

  listForStaff(staffId: string): Promise<SyncConnection[]> {
    return this.dataSource.getRepository(SyncConnection).find({ where: { staffId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async insert(em: EntityManager, c: NewConnection): Promise<void> {
    await em.query(
      `INSERT INTO sync_connections (id, staff_id, provider, account_id, account_email, server_url, credentials, credentials_key_id, metadata, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 'active')`,
      [c.id, c.staffId, c.provider, c.accountId, c.accountEmail, c.serverUrl, c.credentials, c.credentialsKeyId, JSON.stringify(c.metadata)],
    );
  }

  /** A reconnect (new password, same account): fresh credentials and discovery, health reset. */
  async reconnect(em: EntityManager, id: string, c: Omit<NewConnection, 'id' | 'staffId' | 'provider' | 'accountId'>): Promise<void> {
    await em.query(
      `UPDATE sync_connections
          SET account_email = $2, server_url = $3, credentials = $4, credentials_key_id = $5, metadata = $6::jsonb,
              status = 'active', failure_count = 0, rate_limited_count = 0, backoff_until = NULL, last_error = NULL, updated_at = now()
        WHERE id = $1`,
      [id, c.accountEmail, c.serverUrl, c.credentials, c.credentialsKeyId, JSON.stringify(c.metadata)],
    );
  }

  async updateCredentials(id: string, sealed: string, keyId: string, em?: EntityManager): Promise<void> {
    await this.manager(em).getRepository(SyncConnection).update({ id }, { credentials: sealed, credentialsKeyId: keyId });
  }

  async forgetCredentials(em: EntityManager, id: string): Promise<void> {
    await em.getRepository(SyncConnection).update({ id }, { credentials: null, credentialsKeyId: null });
  }

  /** Disconnected connections still holding credentials after `olderThanMs` (their cleanup never finished). */
  async forgetStaleCredentials(olderThanMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_connections SET credentials = NULL, credentials_key_id = NULL
        WHERE status = 'disconnected' AND credentials IS NOT NULL AND updated_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [olderThanMs],
    );
  }

  async update(id: string, patch: Partial<Pick<SyncConnection, 'status' | 'includeClientNames' | 'lastError' | 'failureCount' | 'backoffUntil'>>, em?: EntityManager): Promise<void> {
    await this.manager(em).getRepository(SyncConnection).update({ id }, patch);
  }

  /**
   * Writes health after a sync; never revives a connection the user disconnected (or that is
   * waiting for new credentials) behind their back.
   */
  /**
   * `active` becomes `syncing` as a full sync starts. Conditional in the database: a pull that read
   * the connection before it was disconnected (or lost its grant) must not bring it back to life.
   */
  async markSyncing(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE sync_connections SET status = 'syncing', updated_at = now() WHERE id = $1 AND status = 'active'`, [id]);
  }

  async writeHealth(id: string, health: ConnectionHealth, synced: boolean, em?: EntityManager): Promise<void> {
    await this.manager(em).query(
      `UPDATE sync_connections
          SET status = CASE WHEN status IN ('disconnected') THEN status
                            WHEN status = 'needs_reauth' AND $2 <> 'needs_reauth' THEN status
                            ELSE $2 END,
              failure_count = $3, backoff_until = $4, last_error = $5, rate_limited_count = $7,
              last_synced_at = CASE WHEN $6 THEN now() ELSE last_synced_at END,
              updated_at = now()
        WHERE id = $1`,
      [id, health.status, health.failureCount, health.backoffUntil, health.lastError, synced, health.rateLimitedCount ?? 0],
    );
  }

  // ---- calendars ------------------------------------------------------------------------------

  calendars(connectionId: string, em?: EntityManager): Promise<SyncCalendar[]> {
    return this.manager(em).getRepository(SyncCalendar).find({ where: { connectionId }, order: { name: 'ASC', id: 'ASC' } });
  }

  calendarsOf(connectionIds: string[]): Promise<SyncCalendar[]> {
    if (!connectionIds.length) return Promise.resolve([]);
    return this.dataSource
      .getRepository(SyncCalendar)
      .createQueryBuilder('c')
      .where('c.connection_id = ANY(:ids::uuid[])', { ids: connectionIds })
      .orderBy('c.name')
      .addOrderBy('c.id')
      .getMany();
  }

  findCalendar(id: string, em?: EntityManager): Promise<SyncCalendar | null> {
    return this.manager(em).getRepository(SyncCalendar).findOneBy({ id });
  }

  /**
   * Records the account's calendars: new ones inserted, known ones refreshed, vanished ones
   * marked removed (and no longer pushed to or pulled from). Returns the calendars after the change.
   */
  async syncCalendars(em: EntityManager, connectionId: string, remote: RemoteCalendar[]): Promise<SyncCalendar[]> {
    for (const cal of remote) {
      await em.query(
        `INSERT INTO sync_calendars (connection_id, external_id, name, color, timezone, read_only, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
         ON CONFLICT (connection_id, external_id) DO UPDATE
           SET name = EXCLUDED.name, color = EXCLUDED.color, timezone = EXCLUDED.timezone, read_only = EXCLUDED.read_only,
               metadata = EXCLUDED.metadata, removed_at = NULL, updated_at = now()`,
        [connectionId, cal.externalId, cal.name, cal.color, cal.timezone, cal.readOnly, JSON.stringify(cal.metadata)],
      );
    }
    await em.query(
      `UPDATE sync_calendars SET removed_at = coalesce(removed_at, now()), push = false, pull = false, cursor = NULL, updated_at = now()
        WHERE connection_id = $1 AND NOT (external_id = ANY($2::text[]))`,
      [connectionId, remote.map((c) => c.externalId)],
    );
    return this.calendars(connectionId, em);
  }

  /** Sets the push calendar (null: none) and/or the pull set; pulled calendars that stop being pulled lose their cursor. */
  async setRoles(em: EntityManager, connectionId: string, pushCalendarId: string | null | undefined, pullCalendarIds: string[] | undefined): Promise<void> {
    if (pushCalendarId !== undefined) {
      await em.query(`UPDATE sync_calendars SET push = false, updated_at = now() WHERE connection_id = $1 AND push AND id IS DISTINCT FROM $2::uuid`, [
        connectionId,
        pushCalendarId,
      ]);
      if (pushCalendarId) {
        await em.query(`UPDATE sync_calendars SET push = true, updated_at = now() WHERE connection_id = $1 AND id = $2`, [connectionId, pushCalendarId]);
      }
    }
    if (pullCalendarIds !== undefined) {
      await em.query(
        `UPDATE sync_calendars
            SET pull = (id = ANY($2::uuid[])),
                cursor = CASE WHEN id = ANY($2::uuid[]) THEN cursor ELSE NULL END,
                updated_at = now()
          WHERE connection_id = $1`,
        [connectionId, pullCalendarIds],
      );
    }
  }

  async setCursor(em: EntityManager, calendarId: string, cursor: string | null, full: boolean): Promise<void> {
    await em.query(
      `UPDATE sync_calendars SET cursor = $2, last_pulled_at = now(),
              last_full_sync_at = CASE WHEN $3 THEN now() ELSE last_full_sync_at END, updated_at = now()
        WHERE id = $1`,
      [calendarId, cursor, full],
    );
  }

  async resetCursors(connectionId: string, em?: EntityManager): Promise<void> {
    await this.manager(em).query(`UPDATE sync_calendars SET cursor = NULL, updated_at = now() WHERE connection_id = $1`, [connectionId]);
  }

  async markCalendarRemoved(calendarId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_calendars SET removed_at = coalesce(removed_at, now()), push = false, pull = false, cursor = NULL, updated_at = now() WHERE id = $1`,
      [calendarId],
    );
  }

  // ---- scheduling -----------------------------------------------------------------------------

  /**
   * Live connections whose last sync is older than the interval. Each connection gets its own
   * stable jitter (±10% of the interval, from its id) so they do not all fall due together.
   */
  async dueForPull(intervalMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM sync_connections
        WHERE status = ANY($1::text[])
          AND (backoff_until IS NULL OR backoff_until <= now())
          AND (last_synced_at IS NULL OR last_synced_at <= now() - make_interval(secs =>
                 $2::float8 / 1000 * (0.9 + 0.2 * (('x' || substr(md5(id::text), 1, 8))::bit(32)::bigint::float8 / 4294967295))))
          AND EXISTS (SELECT 1 FROM sync_calendars c WHERE c.connection_id = sync_connections.id AND c.pull)
        ORDER BY last_synced_at NULLS FIRST
        LIMIT $3`,
      [LIVE_STATUSES, intervalMs, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Live connections of these staff members that push somewhere. */
  async pushingConnectionsOf(staffIds: string[], em?: EntityManager): Promise<Array<{ id: string; staffId: string }>> {
    if (!staffIds.length) return [];
    const rows: Array<{ id: string; staff_id: string }> = await this.manager(em).query(
      `SELECT c.id, c.staff_id FROM sync_connections c
        WHERE c.staff_id = ANY($1::uuid[]) AND c.status = ANY($2::text[])
          AND EXISTS (SELECT 1 FROM sync_calendars k WHERE k.connection_id = c.id AND k.push)`,
      [staffIds, LIVE_STATUSES],
    );
    return rows.map((r) => ({ id: r.id, staffId: r.staff_id }));
  }

  async liveConnectionIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM sync_connections WHERE status = ANY($1::text[]) ORDER BY id`, [
      LIVE_STATUSES,
    ]);
    return rows.map((r) => r.id);
  }


  /** Staff whose connections' calendars hold blocked slots (nightly conflict sweep). */
  async staffWithExternalSlots(): Promise<string[]> {
    const rows = await this.dataSource.query(`SELECT DISTINCT staff_id FROM sync_connections ORDER BY staff_id`);
    return rowsOf<{ staff_id: string }>(rows).map((r) => r.staff_id);
  }
}
