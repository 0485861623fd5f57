import type { JobStatus } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FeedHead, FeedsRepository } from '../feeds/feeds.repository';

/** A job as a feed shows it. Client names come out of the database only when the feed shows them, and only as "first name + initial". */
export interface FeedJobRow {
  id: string;
  version: number;
  title: string;
  service: string | null;
  location: string | null;
  remoteUrl: string | null;
  remoteDetails: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  status: JobStatus;
  createdAt: Date;
  updatedAt: Date;
  clientFirstName: string | null;
  clientLastInitial: string | null;
  /** Everyone on the job, lead first. */
  team: Array<{ name: string; role: string }>;
}

export interface FeedSnapshot {
  head: FeedHead;
  jobs: FeedJobRow[];
}

/** Reads over the scheduling tables for rendering a feed. */
@Injectable()
export class FeedJobsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly feeds: FeedsRepository,
  ) {}

  /**
   * The feed's head and its jobs overlapping [from, to) with one of `statuses`, read in one
   * snapshot (so the rendering matches the versions it is cached under). Null when the feed is gone.
   */
  snapshot(staffId: string, venueId: string, from: Date, to: Date, statuses: JobStatus[]): Promise<FeedSnapshot | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      const [head] = await this.feeds.heads([{ staffId, venueId }], em);
      if (!head) return null;
      const rows: Array<Record<string, unknown>> = await em.query(
        `SELECT j.id, j.version, j.title, j.service, j.location, j.remote_url, j.remote_details,
                j.starts_at, j.ends_at, j.all_day, j.status, j.created_at, j.updated_at,
                CASE WHEN $6 THEN c.first_name END AS client_first_name,
                CASE WHEN $6 THEN left(btrim(c.last_name), 1) END AS client_last_initial,
                (SELECT json_agg(json_build_object('name', s.name, 'role', t.role) ORDER BY t.role <> 'lead', s.name, s.id)
                   FROM job_assignments t JOIN staff s ON s.id = t.staff_id
                  WHERE t.job_id = j.id) AS team
           FROM job_assignments a
           JOIN jobs j ON j.id = a.job_id
           LEFT JOIN customers c ON c.id = j.customer_id
          WHERE a.staff_id = $1 AND j.venue_id = $2
            AND a.starts_at < $4 AND a.ends_at > $3
            AND j.status = ANY($5::text[])
          ORDER BY j.starts_at, j.id`,
        [staffId, venueId, from, to, statuses, head.includeClientNames],
      );
      return { head, jobs: rows.map(toJobRow) };
    });
  }
}

function toJobRow(r: Record<string, unknown>): FeedJobRow {
  return {
    id: r.id as string,
    version: Number(r.version),
    title: r.title as string,
    service: (r.service as string | null) ?? null,
    location: (r.location as string | null) ?? null,
    remoteUrl: (r.remote_url as string | null) ?? null,
    remoteDetails: (r.remote_details as string | null) ?? null,
    startsAt: new Date(r.starts_at as string),
    endsAt: new Date(r.ends_at as string),
    allDay: r.all_day as boolean,
    status: r.status as JobStatus,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
    clientFirstName: (r.client_first_name as string | null) ?? null,
    clientLastInitial: (r.client_last_initial as string | null) ?? null,
    team: (r.team as Array<{ name: string; role: string }> | null) ?? [],
  };
}
