import { rowsOf } from '@calbridge/database';
import { staffBelongsToVenueSql, staffRowSql, venueRowSql } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FeedHeadsConnection } from './feed-heads.connection';

/** A feed as stored, with its venue's name (management endpoints). */
export interface StaffFeedRecord {
  staffId: string;
  venueId: string;
  venueName: string;
  salt: Buffer;
  includeClientNames: boolean;
  version: number;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  rotatedAt: Date | null;
}

/**
 * What serving a feed needs before anything else: the salt (to verify the URL) and every input
 * of the rendered calendar that is not a job (to know whether a cached rendering is current).
 */
export interface FeedHead {
  staffId: string;
  venueId: string;
  salt: Buffer;
  feedVersion: number;
  includeClientNames: boolean;
  expiresAt: Date;
  /** Last change of the feed's own settings (salt, client names). */
  feedUpdatedAt: Date;
  /** The staff member's schedule version: grows in the transaction of every change to this person's jobs. */
  scheduleVersion: string;
  staffName: string;
  venueName: string;
  timezone: string;
}

export interface FeedKey {
  staffId: string;
  venueId: string;
}

/*
 * `staff_feeds` is this lib's table; the staff member's name and schedule version, the venue's
 * name and zone, and venue membership are scheduling's. They come in through scheduling's SQL
 * fragments rather than a second query: the head lookup is the one statement every poll waits
 * for (a prepared statement, batched), and one round trip must stay one. The fragments are
 * primary-key lateral joins, which Postgres plans as the plain joins they replace.
 */
const RECORD_COLUMNS = `f.staff_id, f.venue_id, v.venue_name, f.salt, f.include_client_names, f.version,
  f.expires_at, f.created_at, f.updated_at, f.rotated_at`;

const JOIN_VENUE = `JOIN LATERAL (${venueRowSql('f.venue_id')}) v ON true`;

const HEAD_SELECT = `
  SELECT f.staff_id, f.venue_id, f.salt, f.version, f.include_client_names, f.expires_at, f.updated_at,
         s.schedule_version, s.staff_name, v.venue_name, v.timezone
    FROM staff_feeds f
    JOIN LATERAL (${staffRowSql('f.staff_id')}) s ON true
    ${JOIN_VENUE}`;

const HEADS_BY_KEYS = `${HEAD_SELECT}
    JOIN unnest($1::uuid[], $2::uuid[]) AS k(staff_id, venue_id)
      ON k.staff_id = f.staff_id AND k.venue_id = f.venue_id`;

@Injectable()
export class FeedsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookups: FeedHeadsConnection,
  ) {}

  /**
   * Creates the feeds a staff member is missing for the given venues (one per membership; a
   * venue they do not belong to is skipped). Existing feeds are left alone.
   */
  async ensure(em: EntityManager, staffId: string, feeds: Array<{ venueId: string; salt: Buffer }>, expiresAt: Date): Promise<void> {
    if (!feeds.length) return;
    await em.query(
      `INSERT INTO staff_feeds (staff_id, venue_id, salt, expires_at)
       SELECT $1, t.venue_id, t.salt, $4
         FROM unnest($2::uuid[], $3::bytea[]) AS t(venue_id, salt)
        WHERE ${staffBelongsToVenueSql('$1', 't.venue_id')}
       ON CONFLICT (staff_id, venue_id) DO NOTHING`,
      [staffId, feeds.map((f) => f.venueId), feeds.map((f) => f.salt), expiresAt],
    );
  }

  async list(staffId: string, em: EntityManager = this.dataSource.manager): Promise<StaffFeedRecord[]> {
    const rows = await em.query(
      `SELECT ${RECORD_COLUMNS} FROM staff_feeds f ${JOIN_VENUE}
        WHERE f.staff_id = $1 ORDER BY v.venue_name, f.venue_id`,
      [staffId],
    );
    return rows.map(toRecord);
  }

  async find(em: EntityManager, staffId: string, venueId: string): Promise<StaffFeedRecord | null> {
    const rows = await em.query(
      `SELECT ${RECORD_COLUMNS} FROM staff_feeds f ${JOIN_VENUE}
        WHERE f.staff_id = $1 AND f.venue_id = $2`,
      [staffId, venueId],
    );
    return rows.length ? toRecord(rows[0]) : null;
  }

  /** New salt and expiry (every earlier URL dies); creates the feed when it did not exist yet. */
  async rotate(em: EntityManager, staffId: string, venueId: string, salt: Buffer, expiresAt: Date): Promise<void> {
    await em.query(
      `INSERT INTO staff_feeds (staff_id, venue_id, salt, expires_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (staff_id, venue_id) DO UPDATE
          SET salt = EXCLUDED.salt, expires_at = EXCLUDED.expires_at, version = staff_feeds.version + 1,
              rotated_at = now(), updated_at = now()`,
      [staffId, venueId, salt, expiresAt],
    );
  }

  /** Returns false when the feed does not exist. The version grows only on a real change. */
  async setIncludeClientNames(em: EntityManager, staffId: string, venueId: string, value: boolean): Promise<boolean> {
    const result = await em.query(
      `UPDATE staff_feeds
          SET include_client_names = $3,
              version = version + CASE WHEN include_client_names = $3 THEN 0 ELSE 1 END,
              updated_at = CASE WHEN include_client_names = $3 THEN updated_at ELSE now() END
        WHERE staff_id = $1 AND venue_id = $2
        RETURNING staff_id`,
      [staffId, venueId, value],
    );
    return rowsOf(result).length > 0;
  }

  /**
   * Heads of many feeds in one query: the query every poll of every feed waits for (batched
   * by FeedLookupLoader). Outside a transaction it runs on the feed lookup connection as a named
   * (prepared) statement, skipping the pool, TypeORM's per-query work and Postgres's parse and plan.
   */
  async heads(keys: FeedKey[], em?: EntityManager): Promise<FeedHead[]> {
    if (!keys.length) return [];
    const values = [keys.map((k) => k.staffId), keys.map((k) => k.venueId)];
    const rows: Array<Record<string, unknown>> = em
      ? await em.query(HEADS_BY_KEYS, values)
      : await this.lookups.query('calbridge_feed_heads', HEADS_BY_KEYS, values);
    return rows.map(toHead);
  }
}

function toRecord(r: Record<string, unknown>): StaffFeedRecord {
  return {
    staffId: r.staff_id as string,
    venueId: r.venue_id as string,
    venueName: r.venue_name as string,
    salt: r.salt as Buffer,
    includeClientNames: r.include_client_names as boolean,
    version: Number(r.version),
    expiresAt: new Date(r.expires_at as string),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
    rotatedAt: r.rotated_at ? new Date(r.rotated_at as string) : null,
  };
}

function toHead(r: Record<string, unknown>): FeedHead {
  return {
    staffId: r.staff_id as string,
    venueId: r.venue_id as string,
    salt: r.salt as Buffer,
    feedVersion: Number(r.version),
    includeClientNames: r.include_client_names as boolean,
    expiresAt: new Date(r.expires_at as string),
    feedUpdatedAt: new Date(r.updated_at as string),
    scheduleVersion: String(r.schedule_version),
    staffName: r.staff_name as string,
    venueName: r.venue_name as string,
    timezone: r.timezone as string,
  };
}
