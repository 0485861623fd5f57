import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { JobStatus } from '../jobs/job-rules';
import type { MeetingStatus, RemoteProvider } from '../jobs/meeting-links';
import { JobRecord, JobsRepository } from '../jobs/jobs.repository';

/** What another calendar (a staff member's connected one) needs to know of a job to show it. */
export interface JobSnapshot {
  id: string;
  title: string;
  service: string | null;
  location: string | null;
  remoteUrl: string | null;
  remoteDetails: string | null;
  /** Where the remote link comes from; `google_meet` / `teams` without `remoteUrl`: the calendar is to create it. */
  remoteProvider: RemoteProvider | null;
  meetingStatus: MeetingStatus | null;
  /** Fresh per meeting request (see RemoteFields). */
  meetingRequest: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  status: JobStatus;
  version: number;
  /** The venue's IANA zone. */
  timezone: string;
  customer: { firstName: string; lastName: string } | null;
  /** Staff assigned to the job now. */
  staffIds: string[];
}

/**
 * Read-only queries calendar sync makes of the schedule: job snapshots, the jobs a staff member
 * should see, the zone their calendar is read in. (Scheduling owns jobs, assignments, staff
 * venues and venues; other libs read them here.)
 */
@Injectable()
export class JobSnapshots {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
  ) {}

  /** Current snapshots of these jobs, by id (deleted jobs are absent). */
  async byIds(ids: readonly string[]): Promise<Map<string, JobSnapshot>> {
    const records = await this.jobs.records([...ids]);
    return new Map(records.map((r) => [r.job.id, snapshotOf(r)]));
  }

  /** Jobs a staff member is assigned to that end after `since`, with their versions. */
  async assignedTo(staffId: string, since: Date): Promise<Array<{ jobId: string; version: number }>> {
    const rows: Array<{ job_id: string; version: number }> = await this.dataSource.query(
      `SELECT a.job_id, j.version FROM job_assignments a JOIN jobs j ON j.id = a.job_id
        WHERE a.staff_id = $1 AND j.ends_at > $2`,
      [staffId, since],
    );
    return rows.map((r) => ({ jobId: r.job_id, version: Number(r.version) }));
  }

  /** The zone of a staff member's first venue (UTC when they have none). */
  async staffZone(staffId: string): Promise<string> {
    const rows: Array<{ timezone: string }> = await this.dataSource.query(
      `SELECT v.timezone FROM staff_venues sv JOIN venues v ON v.id = sv.venue_id WHERE sv.staff_id = $1 ORDER BY sv.created_at, v.id LIMIT 1`,
      [staffId],
    );
    return rows[0]?.timezone ?? 'UTC';
  }
}

function snapshotOf(r: JobRecord): JobSnapshot {
  return {
    id: r.job.id,
    title: r.job.title,
    service: r.job.service,
    location: r.job.location,
    remoteUrl: r.job.remoteUrl,
    remoteDetails: r.job.remoteDetails,
    remoteProvider: r.job.remoteProvider,
    meetingStatus: r.job.meetingStatus,
    meetingRequest: r.job.meetingRequest,
    startsAt: r.job.startsAt,
    endsAt: r.job.endsAt,
    allDay: r.job.allDay,
    status: r.job.status,
    version: r.job.version,
    timezone: r.timezone,
    customer: r.customer,
    staffIds: r.assignments.map((a) => a.staffId),
  };
}
