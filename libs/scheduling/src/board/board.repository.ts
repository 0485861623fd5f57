import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface BoardJobRow {
  id: string;
  title: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  version: number;
  staffIds: string[];
}

/** The board's jobs of a window in one statement, with the outbox position of that statement's snapshot. */
@Injectable()
export class BoardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Jobs of the venue intersecting [from, to) (only what the board draws), and `xmin`: every
   * transaction below it is finished and visible here, so a live stream resumed from (xmin, 0)
   * delivers every change this read did not see (and perhaps a few it did: re-reading is harmless).
   */
  async jobs(venueId: string, from: Date, to: Date): Promise<{ xmin: string; jobs: BoardJobRow[] }> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, j.*
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT j.id, j.title, j.status, j.starts_at, j.ends_at, j.version,
                  ARRAY(SELECT a.staff_id::text FROM job_assignments a WHERE a.job_id = j.id ORDER BY a.created_at, a.staff_id) AS staff_ids
             FROM jobs j
            WHERE j.venue_id = $1
              AND tstzrange(j.starts_at, j.ends_at, '[)') && tstzrange($2, $3, '[)')
            ORDER BY j.starts_at, j.id
         ) j ON true`,
      [venueId, from, to],
    );
    return {
      xmin: rows[0].xmin as string,
      jobs: rows
        .filter((r) => r.id !== null)
        .map((r) => ({
          id: r.id as string,
          title: r.title as string,
          status: r.status as string,
          startsAt: r.starts_at as Date,
          endsAt: r.ends_at as Date,
          version: r.version as number,
          staffIds: r.staff_ids as string[],
        })),
    };
  }
}
