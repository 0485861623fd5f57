import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { JobStatus } from '../jobs/job-rules';

/**
 * A job as a staff member's subscribed calendar (the iCal feed) shows it. Client names come out
 * of the database only when asked for, and only as "first name + initial".
 */
export interface CalendarJob {
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
  /** Everyone on the job, lead first: JSON `[{name, role}]` as Postgres wrote it (parsed only when the job is rendered). */
  teamJson: string | null;
}

export interface CalendarJobsQuery {
  staffId: string;
  venueId: string;
  /** Jobs overlapping [from, to). */
  from: Date;
  to: Date;
  statuses: readonly JobStatus[];
  includeClientNames: boolean;
}

/**
 * Instants as epoch milliseconds and the team as JSON text: 2,000 rows parse several
 * times faster that way (no date parsing, no JSON parsing of jobs whose event is cached).
 * Teams are aggregated in one grouped pass (a subquery per job costs twice as much).
 */
const JOBS_IN_WINDOW = `WITH mine AS (
     SELECT a.job_id FROM job_assignments a
      WHERE a.staff_id = $1 AND a.starts_at < $4 AND a.ends_at > $3
   ), team AS (
     SELECT t.job_id,
            json_agg(json_build_object('name', s.name, 'role', t.role) ORDER BY t.role <> 'lead', s.name, s.id)::text AS team
       FROM mine m
       JOIN job_assignments t ON t.job_id = m.job_id
       JOIN staff s ON s.id = t.staff_id
      GROUP BY t.job_id
   )
   SELECT j.id, j.version, j.title, j.service, j.location, j.remote_url, j.remote_details,
          (extract(epoch FROM j.starts_at) * 1000)::float8 AS starts_ms,
          (extract(epoch FROM j.ends_at) * 1000)::float8 AS ends_ms,
          j.all_day, j.status,
          (extract(epoch FROM j.created_at) * 1000)::float8 AS created_ms,
          (extract(epoch FROM j.updated_at) * 1000)::float8 AS updated_ms,
          CASE WHEN $6 THEN c.first_name END AS client_first_name,
          CASE WHEN $6 THEN left(btrim(c.last_name), 1) END AS client_last_initial,
          team.team
     FROM mine m
     JOIN jobs j ON j.id = m.job_id
     LEFT JOIN team ON team.job_id = j.id
     LEFT JOIN customers c ON c.id = j.customer_id
    WHERE j.venue_id = $2 AND j.status = ANY($5::text[])
    ORDER BY j.starts_at, j.id`;

/**
 * The read a staff member's subscribed calendar makes of the schedule (the iCal feed's render
 * read): their jobs at one venue in a window, with the team and, when asked, the client's
 * redacted name. Scheduling owns jobs, assignments, staff and customers; the feed reads them here.
 */
@Injectable()
export class CalendarJobs {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Jobs of the staff member at the venue overlapping [from, to) with one of `statuses`, by start. */
  async inWindow(q: CalendarJobsQuery): Promise<CalendarJob[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(JOBS_IN_WINDOW, [
      q.staffId,
      q.venueId,
      q.from,
      q.to,
      q.statuses,
      q.includeClientNames,
    ]);
    return rows.map(toCalendarJob);
  }
}

function toCalendarJob(r: Record<string, unknown>): CalendarJob {
  return {
    id: r.id as string,
    version: Number(r.version),
    title: r.title as string,
    service: (r.service as string | null) ?? null,
    location: (r.location as string | null) ?? null,
    remoteUrl: (r.remote_url as string | null) ?? null,
    remoteDetails: (r.remote_details as string | null) ?? null,
    startsAt: new Date(r.starts_ms as number),
    endsAt: new Date(r.ends_ms as number),
    allDay: r.all_day as boolean,
    status: r.status as JobStatus,
    createdAt: new Date(r.created_ms as number),
    updatedAt: new Date(r.updated_ms as number),
    clientFirstName: (r.client_first_name as string | null) ?? null,
    clientLastInitial: (r.client_last_initial as string | null) ?? null,
    teamJson: (r.team as string | null) ?? null,
  };
}
