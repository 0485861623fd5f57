import { rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { JobAssignment } from './job-assignment.entity';
import type { JobStatus } from './job-rules';
import { Job } from './job.entity';

/** A job with what its views need: venue zone, customer name, assignments. */
export interface JobRecord {
  job: Job;
  timezone: string;
  customer: { id: string; firstName: string; lastName: string } | null;
  assignments: Array<{ staffId: string; role: string; assignedAt: Date }>;
}

export interface JobListFilter {
  venueIds?: string[];
  staffId?: string;
  from?: Date;
  to?: Date;
  statuses?: JobStatus[];
  after?: { startsAt: Date; id: string };
  limit: number;
}

export interface OverlappingJob {
  jobId: string;
  venueId: string;
  title: string;
  status: JobStatus;
  startsAt: Date;
  endsAt: Date;
}

const RECORD_SELECT = `
  SELECT j.id, j.venue_id, j.title, j.service, j.customer_id, j.location, j.remote_url, j.remote_details,
         j.remote_provider, j.meeting_status, j.meeting_note, j.meeting_request,
         j.starts_at, j.ends_at, j.all_day, j.status, j.version, j.created_by, j.created_at, j.updated_at,
         v.timezone, c.first_name AS customer_first_name, c.last_name AS customer_last_name,
         coalesce((SELECT json_agg(json_build_object('staffId', a.staff_id, 'role', a.role, 'assignedAt', a.created_at)
                                   ORDER BY a.created_at, a.staff_id)
                     FROM job_assignments a WHERE a.job_id = j.id), '[]') AS assignments
    FROM jobs j
    JOIN venues v ON v.id = j.venue_id
    LEFT JOIN customers c ON c.id = j.customer_id`;

@Injectable()
export class JobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(em: EntityManager, data: Partial<Job>): Promise<Job> {
    const repo = em.getRepository(Job);
    return repo.save(repo.create(data));
  }

  /** Locks the job row for the rest of the transaction: every change to a job starts here. */
  lock(em: EntityManager, id: string): Promise<Job | null> {
    return em.getRepository(Job).createQueryBuilder('j').where('j.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** Writes the changed fields and bumps the version; returns the new version. */
  async update(em: EntityManager, id: string, patch: Partial<Job>): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(Job)
      .set({ ...patch, version: () => 'version + 1', updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .returning(['version'])
      .execute();
    return (result.raw as Array<{ version: number }>)[0].version;
  }

  async records(ids: string[], em: EntityManager = this.dataSource.manager): Promise<JobRecord[]> {
    if (!ids.length) return [];
    const rows = await em.query(`${RECORD_SELECT} WHERE j.id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((r: Record<string, unknown>) => [r.id as string, toRecord(r)]));
    return ids.map((id) => byId.get(id)).filter((r): r is JobRecord => !!r);
  }

  async list(filter: JobListFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.venueIds) where.push(`j.venue_id = ANY(${p(filter.venueIds)}::uuid[])`);
    if (filter.from && filter.to) {
      where.push(`tstzrange(j.starts_at, j.ends_at, '[)') && tstzrange(${p(filter.from)}, ${p(filter.to)}, '[)')`);
    }
    if (filter.staffId) {
      where.push(`j.id IN (SELECT a.job_id FROM job_assignments a WHERE a.staff_id = ${p(filter.staffId)})`);
    }
    if (filter.statuses?.length) where.push(`j.status = ANY(${p(filter.statuses)}::text[])`);
    if (filter.after) where.push(`(j.starts_at, j.id) > (${p(filter.after.startsAt)}, ${p(filter.after.id)}::uuid)`);
    const sql = `${RECORD_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY j.starts_at, j.id LIMIT ${p(filter.limit)}`;
    return (await this.dataSource.query(sql, params)).map(toRecord);
  }

  assignments(em: EntityManager, jobId: string): Promise<JobAssignment[]> {
    return em.getRepository(JobAssignment).find({ where: { jobId }, order: { createdAt: 'ASC' } });
  }

  insertAssignment(em: EntityManager, data: Partial<JobAssignment>): Promise<JobAssignment> {
    const repo = em.getRepository(JobAssignment);
    return repo.save(repo.create(data));
  }

  async deleteAssignment(em: EntityManager, jobId: string, staffId: string): Promise<boolean> {
    const result = await em.getRepository(JobAssignment).delete({ jobId, staffId });
    return (result.affected ?? 0) > 0;
  }

  /** Copies the job's times and active flag onto its assignments (may raise the exclusion violation). */
  async syncAssignments(em: EntityManager, jobId: string, startsAt: Date, endsAt: Date, active: boolean): Promise<void> {
    await em.query(`UPDATE job_assignments SET starts_at = $2, ends_at = $3, active = $4 WHERE job_id = $1`, [
      jobId,
      startsAt,
      endsAt,
      active,
    ]);
  }

  /** Other active jobs of a staff member overlapping [from, to) (served by the exclusion constraint's GiST index). */
  async overlappingJobs(
    em: EntityManager,
    staffId: string,
    from: Date,
    to: Date,
    excludeJobId?: string,
  ): Promise<OverlappingJob[]> {
    const rows = await em.query(
      `SELECT j.id, j.venue_id, j.title, j.status, j.starts_at, j.ends_at
         FROM job_assignments a JOIN jobs j ON j.id = a.job_id
        WHERE a.staff_id = $1 AND a.active AND a.during && tstzrange($2, $3, '[)')
          AND ($4::uuid IS NULL OR a.job_id <> $4)
        ORDER BY j.starts_at`,
      [staffId, from, to, excludeJobId ?? null],
    );
    return rows.map((r: Record<string, unknown>) => ({
      jobId: r.id as string,
      venueId: r.venue_id as string,
      title: r.title as string,
      status: r.status as JobStatus,
      startsAt: new Date(r.starts_at as string),
      endsAt: new Date(r.ends_at as string),
    }));
  }

  async customerExists(em: EntityManager, customerId: string): Promise<boolean> {
    return (await em.query('SELECT 1 FROM customers WHERE id = $1', [customerId])).length > 0;
  }

  /**
   * Locks (in id order) the jobs of a customer that still matter — not ended before `since` — and
   * bumps their versions; returns them with their assigned staff.
   */
  async touchJobsOfCustomer(
    em: EntityManager,
    customerId: string,
    since: Date,
  ): Promise<Array<{ id: string; venueId: string; version: number; staffIds: string[] }>> {
    const result = await em.query(
      `UPDATE jobs j SET version = version + 1, updated_at = now()
        WHERE j.id IN (SELECT id FROM jobs WHERE customer_id = $1 AND ends_at >= $2 ORDER BY id FOR UPDATE)
        RETURNING j.id, j.venue_id, j.version,
                  coalesce((SELECT array_agg(a.staff_id ORDER BY a.staff_id) FROM job_assignments a WHERE a.job_id = j.id), '{}') AS staff_ids`,
      [customerId, since],
    );
    return rowsOf<Record<string, unknown>>(result).map((r) => ({
      id: r.id as string,
      venueId: r.venue_id as string,
      version: Number(r.version),
      staffIds: r.staff_ids as string[],
    }));
  }
}

function toRecord(r: Record<string, unknown>): JobRecord {
  const job = Object.assign(new Job(), {
    id: r.id,
    venueId: r.venue_id,
    title: r.title,
    service: r.service,
    customerId: r.customer_id,
    location: r.location,
    remoteUrl: r.remote_url,
    remoteDetails: r.remote_details,
    remoteProvider: r.remote_provider ?? null,
    meetingStatus: r.meeting_status ?? null,
    meetingNote: r.meeting_note ?? null,
    meetingRequest: r.meeting_request ?? null,
    startsAt: new Date(r.starts_at as string),
    endsAt: new Date(r.ends_at as string),
    allDay: r.all_day,
    status: r.status,
    version: Number(r.version),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  }) as Job;
  const assignments = (r.assignments as Array<{ staffId: string; role: string; assignedAt: string }>).map((a) => ({
    staffId: a.staffId,
    role: a.role,
    assignedAt: new Date(a.assignedAt),
  }));
  return {
    job,
    timezone: r.timezone as string,
    customer: r.customer_id
      ? { id: r.customer_id as string, firstName: r.customer_first_name as string, lastName: r.customer_last_name as string }
      : null,
    assignments,
  };
}
