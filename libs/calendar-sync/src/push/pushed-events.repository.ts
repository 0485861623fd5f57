import { affectedOf, rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One job's event in one connection: what should be written (pending) and what was. */
export interface PushedEventRow {
  connectionId: string;
  jobId: string;
  eventKey: string;
  calendarId: string | null;
  calendarExternalId: string | null;
  externalId: string | null;
  etag: string | null;
  contentHash: string | null;
  state: 'pending' | 'synced' | 'failed';
  desiredVersion: number;
  pushedVersion: number | null;
  attempts: number;
}

@Injectable()
export class PushedEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Marks (connection, job) pairs as needing a push (inserting rows as needed). Returns the
   * connections that got work. Safe to repeat: a re-delivered event only re-marks.
   */
  async markPending(pairs: Array<{ connectionId: string; jobId: string; eventKey: string; version: number }>, em?: EntityManager): Promise<string[]> {
    if (!pairs.length) return [];
    const result = await this.manager(em).query(
      `INSERT INTO sync_pushed_events (connection_id, job_id, event_key, desired_version, state, attempts, next_attempt_at)
       SELECT p.connection_id, p.job_id, p.event_key, p.version, 'pending', 0, now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) AS p(connection_id, job_id, event_key, version)
       ON CONFLICT (connection_id, job_id) DO UPDATE
         SET state = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now(),
             desired_version = GREATEST(sync_pushed_events.desired_version, EXCLUDED.desired_version)
       RETURNING connection_id`,
      [pairs.map((p) => p.connectionId), pairs.map((p) => p.jobId), pairs.map((p) => p.eventKey), pairs.map((p) => p.version)],
    );
    return [...new Set(rowsOf<{ connection_id: string }>(result).map((r) => r.connection_id))];
  }

  /** Every row of a connection becomes pending (reconcile; calendar or privacy setting changed). */
  async markAllPending(connectionId: string, em?: EntityManager): Promise<number> {
    const result = await this.manager(em).query(
      `UPDATE sync_pushed_events SET state = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now()
        WHERE connection_id = $1`,
      [connectionId],
    );
    return affectedOf(result);
  }

  /** Rows due now, oldest first. */
  async due(connectionId: string, limit: number, afterJobIds: string[] = []): Promise<PushedEventRow[]> {
    const rows = await this.dataSource.query(
      `SELECT * FROM sync_pushed_events
        WHERE connection_id = $1 AND state = 'pending' AND next_attempt_at <= now() AND NOT (job_id = ANY($3::uuid[]))
        ORDER BY next_attempt_at, job_id LIMIT $2`,
      [connectionId, limit, afterJobIds],
    );
    return rows.map(toRow);
  }

  all(connectionId: string): Promise<PushedEventRow[]> {
    return this.dataSource.query(`SELECT * FROM sync_pushed_events WHERE connection_id = $1`, [connectionId]).then((rows) => rows.map(toRow));
  }

  /** Connections with pending work that is due (the cron's "retry failed pushes"). */
  async connectionsWithDueWork(limit: number): Promise<string[]> {
    const rows: Array<{ connection_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT p.connection_id FROM sync_pushed_events p JOIN sync_connections c ON c.id = p.connection_id
        WHERE p.state = 'pending' AND p.next_attempt_at <= now() AND c.status IN ('active','syncing','error')
          AND (c.backoff_until IS NULL OR c.backoff_until <= now())
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.connection_id);
  }

  /** Before a remote create: remember where the event is about to live, so a crash cannot lose track of it. */
  async recordIntent(connectionId: string, jobId: string, calendar: { id: string; externalId: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events SET calendar_id = $3, calendar_external_id = $4, updated_at = now() WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId, calendar.id, calendar.externalId],
    );
  }

  /**
   * After a remote write: the mapping. Stays pending when a newer version was asked for while
   * this one was being written.
   */
  async recordWrite(
    connectionId: string,
    jobId: string,
    written: { externalId: string; etag: string | null; contentHash: string; version: number; calendarId: string; calendarExternalId: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events
          SET external_id = $3, etag = $4, content_hash = $5, pushed_version = $6, calendar_id = $7, calendar_external_id = $8,
              state = CASE WHEN desired_version > $6 THEN 'pending' ELSE 'synced' END,
              attempts = 0, last_error = NULL, updated_at = now()
        WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId, written.externalId, written.etag, written.contentHash, written.version, written.calendarId, written.calendarExternalId],
    );
  }

  /** The event is not where it was (moved to another calendar, or deleted remotely). */
  async clearLocation(connectionId: string, jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events SET calendar_id = NULL, calendar_external_id = NULL, external_id = NULL, etag = NULL, content_hash = NULL, updated_at = now()
        WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId],
    );
  }

  /** Nothing to show and nothing left remotely: forget the row, unless a newer version arrived meanwhile. */
  async forget(connectionId: string, jobId: string, version: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM sync_pushed_events WHERE connection_id = $1 AND job_id = $2 AND desired_version <= $3`, [
      connectionId,
      jobId,
      version,
    ]);
  }

  async markSynced(connectionId: string, jobId: string, version: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events SET pushed_version = $3, state = CASE WHEN desired_version > $3 THEN 'pending' ELSE 'synced' END,
              attempts = 0, last_error = NULL, updated_at = now()
        WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId, version],
    );
  }

  /** A failed attempt: retried after `delayMs`, or parked as failed (permanent errors). */
  async recordFailure(connectionId: string, jobId: string, error: string, retryInMs: number | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events
          SET attempts = attempts + 1, last_error = $3, updated_at = now(),
              state = CASE WHEN $4::int IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN $4::int IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $4::int / 1000.0) END
        WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId, error.slice(0, 500), retryInMs === null ? null : Math.round(retryInMs)],
    );
  }

  /**
   * The provider is still creating the event's meeting: the event is written again (the same
   * request, which the provider ignores, answering with the meeting's state) after `delayMs` —
   * or at once when a newer version was asked for meanwhile (it is due anyway).
   */
  async recheckLater(connectionId: string, jobId: string, attempts: number, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_pushed_events
          SET state = 'pending', content_hash = NULL, attempts = $3, updated_at = now(),
              next_attempt_at = CASE WHEN desired_version > coalesce(pushed_version, 0) THEN now()
                                     ELSE now() + make_interval(secs => $4::int / 1000.0) END
        WHERE connection_id = $1 AND job_id = $2`,
      [connectionId, jobId, attempts, Math.round(delayMs)],
    );
  }

  /** A drift repair found the remote copy missing or edited: rewrite it on the next push. */
  async markStale(connectionId: string, jobIds: string[], missing: boolean): Promise<void> {
    if (!jobIds.length) return;
    await this.dataSource.query(
      `UPDATE sync_pushed_events
          SET state = 'pending', content_hash = NULL, next_attempt_at = now(), attempts = 0, updated_at = now(),
              external_id = CASE WHEN $3 THEN NULL ELSE external_id END, etag = CASE WHEN $3 THEN NULL ELSE etag END
        WHERE connection_id = $1 AND job_id = ANY($2::uuid[])`,
      [connectionId, jobIds, missing],
    );
  }

  async deleteAll(em: EntityManager, connectionId: string): Promise<void> {
    await em.query(`DELETE FROM sync_pushed_events WHERE connection_id = $1`, [connectionId]);
  }
}

function toRow(r: Record<string, unknown>): PushedEventRow {
  return {
    connectionId: r.connection_id as string,
    jobId: r.job_id as string,
    eventKey: r.event_key as string,
    calendarId: (r.calendar_id as string | null) ?? null,
    calendarExternalId: (r.calendar_external_id as string | null) ?? null,
    externalId: (r.external_id as string | null) ?? null,
    etag: (r.etag as string | null) ?? null,
    contentHash: (r.content_hash as string | null) ?? null,
    state: r.state as PushedEventRow['state'],
    desiredVersion: Number(r.desired_version),
    pushedVersion: r.pushed_version === null || r.pushed_version === undefined ? null : Number(r.pushed_version),
    attempts: Number(r.attempts),
  };
}
