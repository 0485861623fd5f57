import { staffBelongsToAnyVenueSql, staffRowSql, staffVenueIdsSql } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ConnectionOverviewRow {
  id: string;
  staffId: string;
  staffName: string;
  venueIds: string[];
  provider: string;
  accountEmail: string;
  status: string;
  lastSyncedAt: string | null;
  lastError: string | null;
}

/**
 * Connections across staff (admin overview, the board's per-lane health), never credentials.
 * `sync_connections` is this lib's table; the staff member's name and venues are scheduling's and
 * come in through its SQL fragments, so the overview (filtered by venue, ordered by name) stays
 * one statement.
 */
@Injectable()
export class ConnectionsOverviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Live connections of staff at any of `venueIds` (null: everyone), worst status first. */
  async list(venueIds: string[] | null): Promise<ConnectionOverviewRow[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT c.id, c.staff_id, s.staff_name, c.provider, c.account_email, c.status, c.last_synced_at, c.last_error,
              ${staffVenueIdsSql('c.staff_id')} AS venue_ids
         FROM sync_connections c
         JOIN LATERAL (${staffRowSql('c.staff_id')}) s ON true
        WHERE c.status <> 'disconnected'
          AND ($1::uuid[] IS NULL OR ${staffBelongsToAnyVenueSql('c.staff_id', '$1::uuid[]')})
        ORDER BY CASE c.status WHEN 'needs_reauth' THEN 0 WHEN 'error' THEN 1 WHEN 'syncing' THEN 2 ELSE 3 END, s.staff_name, c.account_email`,
      [venueIds],
    );
    return rows.map((r) => ({
      id: r.id as string,
      staffId: r.staff_id as string,
      staffName: r.staff_name as string,
      venueIds: r.venue_ids as string[],
      provider: r.provider as string,
      accountEmail: r.account_email as string,
      status: r.status as string,
      lastSyncedAt: r.last_synced_at ? (r.last_synced_at as Date).toISOString() : null,
      lastError: (r.last_error as string | null) ?? null,
    }));
  }
}
