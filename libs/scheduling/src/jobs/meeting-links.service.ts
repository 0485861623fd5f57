import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { type Actor, systemActor } from '../common/actor';
import { jobEvent } from '../outbox/domain-events';
import { OutboxService } from '../outbox/outbox.service';
import { StaffRepository } from '../staff/staff.repository';
import { JobsRepository } from './jobs.repository';
import { applyMeetingReport, type MeetingReport } from './meeting-links';

/**
 * Records what a staff member's calendar made of a job's meeting request (calendar sync calls
 * this; it never writes jobs itself). A change bumps the job's version and its staff's schedule
 * versions (feeds and e-mail invitations pick the link up), is audited and announced as
 * `job.updated`; a report that changes nothing writes nothing.
 */
@Injectable()
export class MeetingLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly staff: StaffRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** True when the job changed. */
  record(jobId: string, report: MeetingReport, actor: Actor = systemActor('calendar-sync')): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const job = await this.jobs.lock(em, jobId);
      if (!job) return false;
      const next = applyMeetingReport(job, report);
      if (!next) return false;
      const staffIds = (await this.jobs.assignments(em, jobId)).map((a) => a.staffId);
      await this.staff.touchSchedules(em, staffIds);
      const version = await this.jobs.update(em, jobId, next);
      await this.audit.record(em, {
        actor,
        action: next.meetingStatus === 'created' ? 'job.meeting_created' : 'job.meeting_status_changed',
        entityType: 'job',
        entityId: jobId,
        venueId: job.venueId,
        before: { remoteProvider: job.remoteProvider, remoteUrl: job.remoteUrl, meetingStatus: job.meetingStatus, meetingNote: job.meetingNote },
        after: { remoteProvider: job.remoteProvider, ...next, version },
      });
      await this.outbox.append(em, jobEvent('job.updated', { jobId, venueId: job.venueId, version, staffIds, affectedStaffIds: staffIds }));
      return true;
    });
  }
}
