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

/** Connections across staff (admin overview, the board's per-lane health), never credentials. */
@Injectable()
export class ConnectionsOverviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Live connections of staff at any of `venueIds` (null: everyone), worst status first. */
  async list(venueIds: string[] | null): Promise<ConnectionOverviewRow[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT c.id, c.staff_id, s.name AS staff_name, c.provider, c.account_email, c.status, c.last_synced_at, c.last_error,
              ARRAY(SELECT sv.venue_id::text FROM staff_venues sv WHERE sv.staff_id = c.staff_id ORDER BY sv.venue_id) AS venue_ids
         FROM sync_connections c
         JOIN staff s ON s.id = c.staff_id
        WHERE c.status <> 'disconnected'
          AND ($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM staff_venues sv WHERE sv.staff_id = c.staff_id AND sv.venue_id = ANY($1::uuid[])))
        ORDER BY CASE c.status WHEN 'needs_reauth' THEN 0 WHEN 'error' THEN 1 WHEN 'syncing' THEN 2 ELSE 3 END, s.name, c.account_email`,
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
