import { ApiError, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BlockedSlotsRepository } from '../blocked-slots/blocked-slots.repository';
import { canActInVenue } from '../common/access';
import { ConflictsService } from '../conflicts/conflicts.service';
import { JobsRepository } from './jobs.repository';

export interface AvailabilityCheck {
  jobId: string;
  staffIds: string[];
  startsAt: Date;
  endsAt: Date;
  override: boolean;
}

export interface ConflictDetail {
  type: 'job' | 'blocked_slot';
  staffId: string;
  overridable: boolean;
  startsAt: string;
  endsAt: string;
  jobId?: string;
  venueId?: string;
  /** Only shown when the job is in the caller's scope. */
  title?: string | null;
  blockedSlotId?: string;
  source?: string;
}

export type OverridePair = { jobId: string; staffId: string; slotId: string };

/**
 * The two scheduling rules, checked before a job becomes active for someone at a time:
 * another active job of theirs may never overlap (409, not overridable; the exclusion constraint
 * enforces it even under races), and a blocked slot may only be overlapped with `override: true`.
 * Callers hold the staff rows locked (StaffRepository.touchSchedules) while checking.
 */
@Injectable()
export class AssignmentGuard {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly slots: BlockedSlotsRepository,
    private readonly conflicts: ConflictsService,
  ) {}

  /** Throws 409 ASSIGNMENT_CONFLICT, or returns the blocked-slot overlaps being overridden. */
  async check(em: EntityManager, principal: Principal, check: AvailabilityCheck): Promise<OverridePair[]> {
    const conflicts: ConflictDetail[] = [];
    const overrides: OverridePair[] = [];
    for (const staffId of check.staffIds) {
      conflicts.push(...(await this.jobConflicts(em, principal, staffId, check)));
      const slots = await this.slots.overlapping(em, staffId, check.startsAt, check.endsAt);
      if (!slots.length) continue;
      const accepted = await this.conflicts.overriddenSlotIds(em, check.jobId, staffId);
      for (const slot of slots) {
        overrides.push({ jobId: check.jobId, staffId, slotId: slot.id });
        if (accepted.has(slot.id)) continue;
        conflicts.push({
          type: 'blocked_slot',
          staffId,
          overridable: true,
          blockedSlotId: slot.id,
          source: slot.source,
          startsAt: slot.startsAt.toISOString(),
          endsAt: slot.endsAt.toISOString(),
        });
      }
    }
    const blocking = conflicts.filter((c) => !c.overridable);
    if (blocking.length || (conflicts.length && !check.override)) throw assignmentConflict(conflicts);
    return overrides;
  }

  /** Describes the active jobs a failed write collided with (after an exclusion violation). */
  async describeJobConflicts(em: EntityManager, principal: Principal, check: AvailabilityCheck): Promise<ApiError> {
    const conflicts: ConflictDetail[] = [];
    for (const staffId of check.staffIds) conflicts.push(...(await this.jobConflicts(em, principal, staffId, check)));
    return assignmentConflict(conflicts);
  }

  private async jobConflicts(
    em: EntityManager,
    principal: Principal,
    staffId: string,
    check: AvailabilityCheck,
  ): Promise<ConflictDetail[]> {
    const overlapping = await this.jobs.overlappingJobs(em, staffId, check.startsAt, check.endsAt, check.jobId);
    return overlapping.map((j) => ({
      type: 'job' as const,
      staffId,
      overridable: false,
      jobId: j.jobId,
      venueId: j.venueId,
      title: canActInVenue(principal, j.venueId) || principal.staffId === staffId ? j.title : null,
      startsAt: j.startsAt.toISOString(),
      endsAt: j.endsAt.toISOString(),
    }));
  }
}

export function assignmentConflict(conflicts: ConflictDetail[]): ApiError {
  const overridable = conflicts.length > 0 && conflicts.every((c) => c.overridable);
  const jobs = conflicts.filter((c) => c.type === 'job').length;
  const slots = conflicts.length - jobs;
  const parts = [jobs && `${jobs} other active job(s)`, slots && `${slots} blocked slot(s)`].filter(Boolean).join(' and ');
  return ApiError.conflict(
    'ASSIGNMENT_CONFLICT',
    overridable
      ? `This overlaps ${parts} of the staff member; send override: true to assign anyway`
      : `This overlaps ${parts || 'another active job'} of the staff member; overlapping jobs cannot be overridden`,
    { overridable, conflicts },
  );
}
