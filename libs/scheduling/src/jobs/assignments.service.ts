import { ApiError, isPgError, PG_EXCLUSION_VIOLATION, PG_UNIQUE_VIOLATION, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertCanActInVenue, assertRole } from '../common/access';
import { actorOf } from '../common/actor';
import { ConflictsService, ConflictView } from '../conflicts/conflicts.service';
import { OutboxService } from '../outbox/outbox.service';
import { StaffRepository } from '../staff/staff.repository';
import { AssignmentGuard, AvailabilityCheck } from './assignment-guard.service';
import { CreateAssignmentDto } from './dto/create-assignment.dto';
import { isActiveStatus } from './job-rules';
import { JobsRepository } from './jobs.repository';
import { jobEvent } from '../outbox/domain-events';

export interface AssignmentView {
  jobId: string;
  staffId: string;
  role: string;
  assignedAt: string;
  jobVersion: number;
  /** Blocked-slot conflicts accepted with `override: true`. */
  overriddenConflicts: ConflictView[];
}

@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly staff: StaffRepository,
    private readonly guard: AssignmentGuard,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async assign(principal: Principal, jobId: string, dto: CreateAssignmentDto): Promise<AssignmentView> {
    assertRole(principal, 'admin', 'dispatcher');
    const actor = actorOf(principal);
    let check: AvailabilityCheck | undefined;
    try {
      const view = await this.dataSource.transaction(async (em) => {
        const job = await this.jobs.lock(em, jobId);
        if (!job) throw ApiError.notFound('JOB_NOT_FOUND', `Job ${jobId} does not exist`);
        assertCanActInVenue(principal, job.venueId);
        const member = await this.staff.findWithVenues(dto.staffId, em);
        if (!member) throw ApiError.unprocessable('STAFF_NOT_FOUND', `Staff member ${dto.staffId} does not exist`);
        if (!member.staff.active) throw ApiError.unprocessable('STAFF_INACTIVE', 'The staff member is deactivated; reactivate them to assign jobs');
        if (!member.venueIds.includes(job.venueId)) {
          throw ApiError.unprocessable('STAFF_NOT_IN_VENUE', 'The staff member does not work at this job\'s venue', {
            staffId: dto.staffId,
            venueId: job.venueId,
          });
        }
        const current = await this.jobs.assignments(em, jobId);
        if (current.some((a) => a.staffId === dto.staffId)) {
          throw ApiError.conflict('ALREADY_ASSIGNED', 'The staff member is already assigned to this job');
        }
        const role = dto.role ?? 'team';
        if (role === 'lead' && current.some((a) => a.role === 'lead')) {
          throw ApiError.conflict('LEAD_ALREADY_ASSIGNED', 'This job already has a lead; unassign them or assign as team');
        }

        await this.staff.touchSchedules(em, [dto.staffId]);
        const active = isActiveStatus(job.status);
        let overrides: Awaited<ReturnType<AssignmentGuard['check']>> = [];
        if (active) {
          check = { jobId, staffIds: [dto.staffId], startsAt: job.startsAt, endsAt: job.endsAt, override: dto.override ?? false };
          overrides = await this.guard.check(em, principal, check);
        }
        const assignment = await this.jobs.insertAssignment(em, {
          jobId,
          staffId: dto.staffId,
          role,
          startsAt: job.startsAt,
          endsAt: job.endsAt,
          active,
          createdBy: principal.subject,
        });
        const version = await this.jobs.update(em, jobId, {});
        const staffIds = [...current.map((a) => a.staffId), dto.staffId];
        await this.audit.record(em, {
          actor,
          action: 'assignment.created',
          entityType: 'job',
          entityId: jobId,
          venueId: job.venueId,
          staffId: dto.staffId,
          after: { staffId: dto.staffId, role, override: dto.override ?? false, jobVersion: version },
        });
        await this.outbox.append(
          em,
          jobEvent('job.assigned', {
            jobId,
            venueId: job.venueId,
            version,
            staffIds,
            affectedStaffIds: [dto.staffId],
            staffId: dto.staffId,
          }),
        );
        const refreshed = await this.conflicts.refresh(em, [dto.staffId], actor, { overrides });
        return {
          jobId,
          staffId: dto.staffId,
          role,
          assignedAt: assignment.createdAt.toISOString(),
          jobVersion: version,
          overriddenIds: [...refreshed.opened.filter((c) => c.status === 'overridden').map((c) => c.id), ...refreshed.overridden],
        };
      });
      const overridden = view.overriddenIds.length
        ? (await this.conflicts.list(principal, { jobId, staffId: dto.staffId, status: 'overridden' })).filter((c) =>
            view.overriddenIds.includes(c.id),
          )
        : [];
      return {
        jobId: view.jobId,
        staffId: view.staffId,
        role: view.role,
        assignedAt: view.assignedAt,
        jobVersion: view.jobVersion,
        overriddenConflicts: overridden,
      };
    } catch (error) {
      if (check && isPgError(error, PG_EXCLUSION_VIOLATION)) {
        throw await this.guard.describeJobConflicts(this.dataSource.manager, principal, check);
      }
      if (isPgError(error, PG_UNIQUE_VIOLATION, 'job_assignments_job_staff_key')) {
        throw ApiError.conflict('ALREADY_ASSIGNED', 'The staff member is already assigned to this job');
      }
      if (isPgError(error, PG_UNIQUE_VIOLATION, 'job_assignments_one_lead')) {
        throw ApiError.conflict('LEAD_ALREADY_ASSIGNED', 'This job already has a lead; unassign them or assign as team');
      }
      throw error;
    }
  }

  async unassign(principal: Principal, jobId: string, staffId: string): Promise<void> {
    assertRole(principal, 'admin', 'dispatcher');
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (em) => {
      const job = await this.jobs.lock(em, jobId);
      if (!job) throw ApiError.notFound('JOB_NOT_FOUND', `Job ${jobId} does not exist`);
      assertCanActInVenue(principal, job.venueId);
      const current = await this.jobs.assignments(em, jobId);
      const removed = current.find((a) => a.staffId === staffId);
      if (!removed) throw ApiError.notFound('ASSIGNMENT_NOT_FOUND', 'The staff member is not assigned to this job');
      await this.staff.touchSchedules(em, [staffId]);
      await this.jobs.deleteAssignment(em, jobId, staffId);
      const version = await this.jobs.update(em, jobId, {});
      await this.audit.record(em, {
        actor,
        action: 'assignment.deleted',
        entityType: 'job',
        entityId: jobId,
        venueId: job.venueId,
        staffId,
        before: { staffId, role: removed.role },
        after: { jobVersion: version },
      });
      await this.outbox.append(
        em,
        jobEvent('job.unassigned', {
          jobId,
          venueId: job.venueId,
          version,
          staffIds: current.filter((a) => a.staffId !== staffId).map((a) => a.staffId),
          affectedStaffIds: [staffId],
          staffId,
        }),
      );
      await this.conflicts.refresh(em, [staffId], actor);
    });
  }
}
