import { ApiError, isPgError, parseInstant, PG_EXCLUSION_VIOLATION, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertCanActInVenue, assertRole } from '../common/access';
import { actorOf } from '../common/actor';
import { parseTimeWindow } from '../common/time-window';
import { ConflictsService } from '../conflicts/conflicts.service';
import { jobEvent, type JobEventPayload, type NewDomainEvent } from '../outbox/domain-events';
import { OutboxService } from '../outbox/outbox.service';
import { CustomersRepository } from '../customers/customers.repository';
import { StaffRepository } from '../staff/staff.repository';
import { VenuesRepository } from '../venues/venues.repository';
import { AssignmentGuard, AvailabilityCheck, OverridePair } from './assignment-guard.service';
import { CreateJobDto } from './dto/create-job.dto';
import { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { UpdateJobDto } from './dto/update-job.dto';
import { isActiveStatus, resolveJobTimes } from './job-rules';
import { jobSnapshot, JobView, toJobView } from './job.view';
import { Job } from './job.entity';
import { assertRemoteShape, resolveRemote } from './meeting-links';
import { JobsRepository } from './jobs.repository';

const MAX_LIST_WINDOW_DAYS = 800;
const NO_REMOTE = { remoteProvider: null, remoteUrl: null, remoteDetails: null, meetingStatus: null, meetingNote: null, meetingRequest: null };

/** Parses `If-Match: "3"`, `W/"3"` or `3`; undefined when absent; 400 when unusable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw ApiError.badRequest('INVALID_IF_MATCH', 'If-Match must carry the job version, e.g. If-Match: "3"');
  return Number(match[1]);
}

@Injectable()
export class JobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly venues: VenuesRepository,
    private readonly staff: StaffRepository,
    private readonly guard: AssignmentGuard,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly customers: CustomersRepository,
  ) {}

  async create(principal: Principal, dto: CreateJobDto): Promise<JobView> {
    assertRole(principal, 'admin', 'dispatcher');
    assertCanActInVenue(principal, dto.venueId);
    assertRemoteShape(dto.remote);
    const venue = await this.venues.findById(dto.venueId);
    if (!venue) throw ApiError.unprocessable('VENUE_NOT_FOUND', `Venue ${dto.venueId} does not exist`);
    const allDay = dto.allDay ?? false;
    const times = resolveJobTimes({ startsAt: dto.startsAt, endsAt: dto.endsAt, allDay }, venue.timezone);
    const actor = actorOf(principal);
    const id = await this.dataSource.transaction(async (em) => {
      if (dto.customerId) await this.attachCustomer(em, principal, dto.customerId, dto.venueId);
      const job = await this.jobs.insert(em, {
        venueId: dto.venueId,
        title: dto.title,
        service: dto.service ?? null,
        customerId: dto.customerId ?? null,
        location: dto.location ?? null,
        ...resolveRemote(NO_REMOTE, dto.remote),
        startsAt: times.startsAt,
        endsAt: times.endsAt,
        allDay,
        status: dto.status ?? 'pending',
        createdBy: principal.subject,
      });
      await this.audit.record(em, {
        actor,
        action: 'job.created',
        entityType: 'job',
        entityId: job.id,
        venueId: job.venueId,
        after: jobSnapshot(job),
      });
      await this.outbox.append(
        em,
        jobEvent('job.created', { jobId: job.id, venueId: job.venueId, version: job.version, staffIds: [], affectedStaffIds: [] }),
      );
      return job.id;
    });
    return this.view(id);
  }

  async list(principal: Principal, query: ListJobsQueryDto): Promise<{ items: JobView[]; nextCursor: string | null }> {
    let venueIds: string[] | undefined;
    let staffId = query.staffId;
    if (principal.role === 'staff') {
      if (staffId && staffId !== principal.staffId) {
        throw ApiError.forbidden('You can only list your own jobs', 'STAFF_OUT_OF_SCOPE');
      }
      staffId = principal.staffId;
      if (query.venueId) venueIds = [query.venueId];
    } else if (principal.role === 'dispatcher') {
      if (query.venueId) assertCanActInVenue(principal, query.venueId);
      venueIds = query.venueId ? [query.venueId] : principal.venueIds;
    } else if (query.venueId) {
      venueIds = [query.venueId];
    }
    const window = parseTimeWindow(query.from, query.to, { maxDays: MAX_LIST_WINDOW_DAYS });
    const limit = query.limit ?? 100;
    const records = await this.jobs.list({
      venueIds,
      staffId,
      from: window?.from,
      to: window?.to,
      statuses: query.status,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = records.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toJobView),
      nextCursor: records.length > limit && last ? encodeCursor(last.job.startsAt, last.job.id) : null,
    };
  }

  async get(principal: Principal, id: string): Promise<JobView> {
    const [record] = await this.jobs.records([id]);
    if (!record) throw notFound(id);
    if (principal.role === 'staff') {
      if (!record.assignments.some((a) => a.staffId === principal.staffId)) {
        throw ApiError.forbidden('This job is not assigned to you', 'JOB_OUT_OF_SCOPE');
      }
    } else {
      assertCanActInVenue(principal, record.job.venueId);
    }
    return toJobView(record);
  }

  async update(principal: Principal, id: string, dto: UpdateJobDto, ifMatch?: string): Promise<JobView> {
    assertRole(principal, 'admin', 'dispatcher');
    const headerVersion = parseIfMatch(ifMatch);
    if (dto.version !== undefined && headerVersion !== undefined && dto.version !== headerVersion) {
      throw ApiError.badRequest('INVALID_IF_MATCH', 'If-Match and version disagree');
    }
    assertRemoteShape(dto.remote);
    const expected = headerVersion ?? dto.version;
    const actor = actorOf(principal);
    let check: AvailabilityCheck | undefined;
    try {
      await this.dataSource.transaction(async (em) => {
        const job = await this.jobs.lock(em, id);
        if (!job) throw notFound(id);
        assertCanActInVenue(principal, job.venueId);
        if (expected !== undefined && expected !== job.version) {
          throw ApiError.conflict('VERSION_MISMATCH', `The job is at version ${job.version}, not ${expected}`, {
            currentVersion: job.version,
          });
        }
        const venue = (await this.venues.findById(job.venueId, em))!;
        const next = await this.nextState(em, principal, job, dto, venue.timezone);
        const changed = changedFields(job, next);
        if (!changed.length) return;

        const timesChanged = changed.includes('startsAt') || changed.includes('endsAt');
        const statusChanged = changed.includes('status');
        const wasActive = isActiveStatus(job.status);
        const isActive = isActiveStatus(next.status);
        const assignments = await this.jobs.assignments(em, id);
        const staffIds = assignments.map((a) => a.staffId);
        await this.staff.touchSchedules(em, staffIds);

        let overrides: OverridePair[] = [];
        if (staffIds.length && isActive && (timesChanged || !wasActive)) {
          check = { jobId: id, staffIds, startsAt: next.startsAt, endsAt: next.endsAt, override: dto.override ?? false };
          overrides = await this.guard.check(em, principal, check);
        }
        const version = await this.jobs.update(em, id, next);
        if (timesChanged || wasActive !== isActive) {
          await this.jobs.syncAssignments(em, id, next.startsAt, next.endsAt, isActive);
        }
        await this.audit.record(em, {
          actor,
          action: timesChanged ? 'job.rescheduled' : statusChanged ? 'job.status_changed' : 'job.updated',
          entityType: 'job',
          entityId: id,
          venueId: job.venueId,
          before: jobSnapshot(job),
          after: { ...jobSnapshot(next), version, changed },
        });
        const payload: JobEventPayload = { jobId: id, venueId: job.venueId, version, staffIds, affectedStaffIds: staffIds };
        const events: NewDomainEvent[] = [];
        if (timesChanged) {
          events.push(
            jobEvent('job.rescheduled', {
              ...payload,
              previous: { startsAt: job.startsAt.toISOString(), endsAt: job.endsAt.toISOString() },
            }),
          );
        }
        if (statusChanged) events.push(jobEvent('job.status_changed', { ...payload, status: next.status, previous: { status: job.status } }));
        if (!timesChanged && !statusChanged) events.push(jobEvent('job.updated', payload));
        await this.outbox.append(em, ...events);
        await this.conflicts.refresh(em, staffIds, actor, { overrides });
      });
    } catch (error) {
      if (check && isPgError(error, PG_EXCLUSION_VIOLATION)) {
        throw await this.guard.describeJobConflicts(this.dataSource.manager, principal, check);
      }
      throw error;
    }
    return this.view(id);
  }

  /** Bumps versions and emits job.updated for a customer's current jobs (their name shows in feeds and calendars). */
  async customerChanged(em: EntityManager, customerId: string): Promise<number> {
    const since = new Date(Date.now() - 31 * 86_400_000);
    const touched = await this.jobs.touchJobsOfCustomer(em, customerId, since);
    await this.staff.touchSchedules(
      em,
      touched.flatMap((j) => j.staffIds),
    );
    await this.outbox.append(
      em,
      ...touched.map((j) =>
        jobEvent('job.updated', { jobId: j.id, venueId: j.venueId, version: j.version, staffIds: j.staffIds, affectedStaffIds: j.staffIds }),
      ),
    );
    return touched.length;
  }

  async view(id: string): Promise<JobView> {
    const [record] = await this.jobs.records([id]);
    if (!record) throw notFound(id);
    return toJobView(record);
  }

  private async nextState(em: EntityManager, principal: Principal, job: Job, dto: UpdateJobDto, zone: string): Promise<Job> {
    const allDay = dto.allDay ?? job.allDay;
    let startsAt = job.startsAt;
    let endsAt = job.endsAt;
    if (dto.startsAt !== undefined || dto.endsAt !== undefined || dto.allDay !== undefined) {
      const iso = (d: Date) => d.toISOString();
      const times = resolveJobTimes(
        { startsAt: dto.startsAt ?? iso(job.startsAt), endsAt: dto.endsAt ?? iso(job.endsAt), allDay },
        zone,
      );
      startsAt = times.startsAt;
      endsAt = times.endsAt;
    }
    if (dto.customerId) await this.attachCustomer(em, principal, dto.customerId, job.venueId);
    return Object.assign(new Job(), job, {
      title: dto.title ?? job.title,
      service: dto.service === undefined ? job.service : dto.service,
      customerId: dto.customerId === undefined ? job.customerId : dto.customerId,
      location: dto.location === undefined ? job.location : dto.location,
      ...resolveRemote(job, dto.remote),
      startsAt,
      endsAt,
      allDay,
      status: dto.status ?? job.status,
    });
  }

  /**
   * The job's customer must exist and, for a dispatcher, belong to one of their venues (another
   * venue's customer is as unknown to them as a missing one); from now on the customer belongs
   * to the job's venue too.
   */
  private async attachCustomer(em: EntityManager, principal: Principal, customerId: string, venueId: string): Promise<void> {
    const exists = await this.jobs.customerExists(em, customerId);
    const visible =
      exists && (principal.role === 'admin' || (await this.customers.venueIdsOf(customerId, em)).some((v) => principal.venueIds.includes(v)));
    if (!visible) throw ApiError.unprocessable('CUSTOMER_NOT_FOUND', `Customer ${customerId} does not exist`);
    await this.customers.linkToVenue(em, customerId, venueId);
  }

}

const COMPARED: Array<keyof Job> = [
  'title',
  'service',
  'customerId',
  'location',
  'remoteUrl',
  'remoteDetails',
  'remoteProvider',
  'meetingStatus',
  'meetingRequest',
  'startsAt',
  'endsAt',
  'allDay',
  'status',
];

function changedFields(before: Job, after: Job): string[] {
  return COMPARED.filter((key) => {
    const a = before[key];
    const b = after[key];
    return a instanceof Date && b instanceof Date ? a.getTime() !== b.getTime() : a !== b;
  });
}

function notFound(id: string): ApiError {
  return ApiError.notFound('JOB_NOT_FOUND', `Job ${id} does not exist`);
}

function encodeCursor(startsAt: Date, id: string): string {
  return Buffer.from(`${startsAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startsAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const startsAt = parseInstant(iso);
  if (!startsAt || !/^[0-9a-f-]{36}$/i.test(id ?? '')) throw ApiError.badRequest('INVALID_CURSOR', 'The cursor is not valid');
  return { startsAt, id };
}
