import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LiveCursor } from './live-cursor';

export interface LiveEventRow {
  xid: string;
  id: string;
  type: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/** Reads committed outbox rows for the live stream (scheduling owns outbox_events). */
@Injectable()
export class LiveEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Where "now" is: rows of transactions still running (or not yet started) come after it. */
  async now(): Promise<LiveCursor> {
    const [row] = await this.dataSource.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
    return { xid: row.xmin as string, id: '0' };
  }

  /**
   * May events after the cursor have been pruned? True when the cursor is at or below the prune
   * mark (the highest transaction id ever pruned). Not "older than the oldest row kept": a young or
   * idle outbox holds nothing older than a fresh cursor, and nothing was lost.
   */
  async isBeforeRetention(cursor: LiveCursor): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT pruned_through::text AS through FROM outbox_prune_mark`);
    return row !== undefined && BigInt(cursor.xid) <= BigInt(row.through as string);
  }

  /**
   * A venue's rows after the cursor whose transactions are all finished (xid below the snapshot's
   * xmin), in (xid, id) order: gap-free under concurrent commits (see the outbox-xid migration).
   * `held`: rows after those are committed but not yet readable in order (an older transaction,
   * anywhere on the server, is still running): worth asking again soon, not only at the next poll.
   */
  async after(venueId: string, cursor: LiveCursor, limit: number): Promise<{ rows: LiveEventRow[]; held: boolean }> {
    const found: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT xid::text AS xid, id::text AS id, event_type, aggregate_id, payload,
              xid < pg_snapshot_xmin(pg_current_snapshot()) AS readable
         FROM outbox_events
        WHERE venue_ids @> ARRAY[$1::uuid]
          AND (xid, id) > ($2::xid8, $3::bigint)
        ORDER BY xid, id
        LIMIT $4`,
      [venueId, cursor.xid, cursor.id, limit],
    );
    const rows: LiveEventRow[] = [];
    for (const r of found) {
      if (!r.readable) return { rows, held: true };
      rows.push({
        xid: r.xid as string,
        id: r.id as string,
        type: r.event_type as string,
        aggregateId: r.aggregate_id as string,
        payload: (r.payload ?? {}) as Record<string, unknown>,
      });
    }
    return { rows, held: false };
  }
}
