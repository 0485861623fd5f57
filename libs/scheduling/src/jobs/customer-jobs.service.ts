import { ApiError } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/actor';
import { ConflictsService } from '../conflicts/conflicts.service';
import { OutboxService } from '../outbox/outbox.service';
import { StaffRepository } from '../staff/staff.repository';
import { jobEvent } from '../outbox/domain-events';
import { CustomersRepository } from '../customers/customers.repository';
import { jobSnapshot } from './job.view';
import { JobsRepository } from './jobs.repository';

export interface NewAssignedJob {
  venueId: string;
  title: string;
  service: string | null;
  customerId: string | null;
  startsAt: Date;
  endsAt: Date;
  /** The one performer (assigned as lead); null: the job waits for a dispatcher to assign it. */
  staffId: string | null;
  location?: string | null;
  remoteUrl?: string | null;
}

export interface JobChange {
  jobId: string;
  venueId: string;
  version: number;
  staffIds: string[];
  previous: { startsAt: Date; endsAt: Date; status: string };
}

/**
 * Job changes made inside a caller's transaction on behalf of an actor without a bearer token
 * (a customer booking, rescheduling or cancelling through a signed link). The caller holds the
 * staff rows locked ({@link lockStaff}) and has checked availability under that lock; the same
 * audit rows, outbox events and conflict bookkeeping as the dispatcher API are written here, and
 * the exclusion constraint `job_assignments_no_overlap` still has the last word (its violation
 * propagates to the caller).
 */
@Injectable()
export class CustomerJobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly staff: StaffRepository,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly customers: CustomersRepository,
  ) {}

  /** Locks the staff rows (id order) and bumps their schedule versions; returns the ids that exist. */
  lockStaff(em: EntityManager, staffIds: string[]): Promise<string[]> {
    return this.staff.touchSchedules(em, staffIds);
  }

  /** A confirmed job with its one performer as lead (or, without a performer, unassigned). */
  async createAssigned(em: EntityManager, actor: Actor, input: NewAssignedJob): Promise<{ jobId: string; version: number }> {
    if (input.customerId) await this.customers.linkToVenue(em, input.customerId, input.venueId);
    const job = await this.jobs.insert(em, {
      venueId: input.venueId,
      title: input.title,
      service: input.service,
      customerId: input.customerId,
      location: input.location ?? null,
      remoteUrl: input.remoteUrl ?? null,
      remoteProvider: input.remoteUrl ? 'url' : null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      allDay: false,
      status: 'confirmed',
      createdBy: `${actor.type}:${actor.id}`,
    });
    if (!input.staffId) {
      await this.audit.record(em, { actor, action: 'job.created', entityType: 'job', entityId: job.id, venueId: job.venueId, after: jobSnapshot(job) });
      await this.outbox.append(
        em,
        jobEvent('job.created', { jobId: job.id, venueId: job.venueId, version: job.version, staffIds: [], affectedStaffIds: [] }),
      );
      return { jobId: job.id, version: job.version };
    }
    await this.jobs.insertAssignment(em, {
      jobId: job.id,
      staffId: input.staffId,
      role: 'lead',
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      active: true,
      createdBy: `${actor.type}:${actor.id}`,
    });
    const version = await this.jobs.update(em, job.id, {});
    await this.audit.record(
      em,
      { actor, action: 'job.created', entityType: 'job', entityId: job.id, venueId: job.venueId, after: jobSnapshot(job) },
      {
        actor,
        action: 'assignment.created',
        entityType: 'job',
        entityId: job.id,
        venueId: job.venueId,
        staffId: input.staffId,
        after: { staffId: input.staffId, role: 'lead', override: false, jobVersion: version },
      },
    );
    const staffIds = [input.staffId];
    await this.outbox.append(
      em,
      jobEvent('job.created', { jobId: job.id, venueId: job.venueId, version: job.version, staffIds: [], affectedStaffIds: [] }),
      jobEvent('job.assigned', { jobId: job.id, venueId: job.venueId, version, staffIds, affectedStaffIds: staffIds, staffId: input.staffId }),
    );
    await this.conflicts.refresh(em, staffIds, actor);
    return { jobId: job.id, version };
  }

  /** Moves an active job (and its assignments) to new times. */
  async reschedule(em: EntityManager, actor: Actor, jobId: string, startsAt: Date, endsAt: Date): Promise<JobChange> {
    const job = await this.jobs.lock(em, jobId);
    if (!job) throw ApiError.notFound('JOB_NOT_FOUND', `Job ${jobId} does not exist`);
    const staffIds = (await this.jobs.assignments(em, jobId)).map((a) => a.staffId);
    await this.staff.touchSchedules(em, staffIds);
    const version = await this.jobs.update(em, jobId, { startsAt, endsAt });
    await this.jobs.syncAssignments(em, jobId, startsAt, endsAt, true);
    await this.audit.record(em, {
      actor,
      action: 'job.rescheduled',
      entityType: 'job',
      entityId: jobId,
      venueId: job.venueId,
      before: jobSnapshot(job),
      after: { ...jobSnapshot({ ...job, startsAt, endsAt }), version, changed: ['startsAt', 'endsAt'] },
    });
    const previous = { startsAt: job.startsAt, endsAt: job.endsAt, status: job.status };
    await this.outbox.append(
      em,
      jobEvent('job.rescheduled', {
        jobId,
        venueId: job.venueId,
        version,
        staffIds,
        affectedStaffIds: staffIds,
        previous: { startsAt: job.startsAt.toISOString(), endsAt: job.endsAt.toISOString() },
      }),
    );
    await this.conflicts.refresh(em, staffIds, actor);
    return { jobId, venueId: job.venueId, version, staffIds, previous };
  }

  /** Cancels a job: it stops blocking its staff's time and leaves their calendars. */
  async cancel(em: EntityManager, actor: Actor, jobId: string): Promise<JobChange> {
    const job = await this.jobs.lock(em, jobId);
    if (!job) throw ApiError.notFound('JOB_NOT_FOUND', `Job ${jobId} does not exist`);
    const staffIds = (await this.jobs.assignments(em, jobId)).map((a) => a.staffId);
    await this.staff.touchSchedules(em, staffIds);
    const version = await this.jobs.update(em, jobId, { status: 'cancelled' });
    await this.jobs.syncAssignments(em, jobId, job.startsAt, job.endsAt, false);
    await this.audit.record(em, {
      actor,
      action: 'job.status_changed',
      entityType: 'job',
      entityId: jobId,
      venueId: job.venueId,
      before: jobSnapshot(job),
      after: { ...jobSnapshot({ ...job, status: 'cancelled' }), version, changed: ['status'] },
    });
    await this.outbox.append(
      em,
      jobEvent('job.status_changed', {
        jobId,
        venueId: job.venueId,
        version,
        staffIds,
        affectedStaffIds: staffIds,
        status: 'cancelled',
        previous: { status: job.status },
      }),
    );
    await this.conflicts.refresh(em, staffIds, actor);
    return { jobId, venueId: job.venueId, version, staffIds, previous: { startsAt: job.startsAt, endsAt: job.endsAt, status: job.status } };
  }
}
