import { ApiError, formatInZone, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuditRecord } from '../audit/audit.repository';
import type { Actor } from '../common/actor';
import type { ConflictEventType, NewDomainEvent } from '../outbox/domain-events';
import { OutboxService } from '../outbox/outbox.service';
import { diffConflicts, pairKey } from './conflict-diff';
import { Conflict } from './conflict.entity';
import { ConflictsRepository } from './conflicts.repository';
import { ListConflictsQueryDto } from './dto/list-conflicts-query.dto';

export interface ConflictView {
  id: string;
  status: Conflict['status'];
  venueId: string;
  staffId: string;
  job: { id: string; title: string | null; status: string | null; startsAt: string; endsAt: string };
  blockedSlot: { id: string | null; source: string; reason: string | null; startsAt: string; endsAt: string };
  detectedAt: string;
  updatedAt: string;
  overriddenBy: string | null;
  overriddenAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface RefreshResult {
  opened: Conflict[];
  overridden: string[];
  resolved: string[];
}

export interface RefreshOptions {
  /** (jobId, staffId, slotId) pairs the actor explicitly accepts (assignment/reschedule with override). */
  overrides?: Array<{ jobId: string; staffId: string; slotId: string }>;
}

/**
 * Conflicts are data: after every change to assignments, job times or blocked slots, the
 * overlaps of the touched staff are recomputed and the conflict rows follow (opened, moved,
 * overridden, resolved), each change audited, all in the caller's transaction.
 */
@Injectable()
export class ConflictsService {
  constructor(
    private readonly conflicts: ConflictsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async refresh(em: EntityManager, staffIds: string[], actor: Actor, options: RefreshOptions = {}): Promise<RefreshResult> {
    const ids = [...new Set(staffIds)];
    if (!ids.length) return { opened: [], overridden: [], resolved: [] };
    await this.conflicts.lockStaff(em, ids);
    const [pairs, live] = [await this.conflicts.overlapPairs(em, ids), await this.conflicts.liveConflicts(em, ids)];
    const overrides = new Set((options.overrides ?? []).map((o) => pairKey(o.jobId, o.staffId, o.slotId)));
    const diff = diffConflicts(pairs, live, overrides);

    const newOverridden = diff.toOpen.filter((p) => overrides.has(pairKey(p.jobId, p.staffId, p.slotId)));
    const newOpen = diff.toOpen.filter((p) => !overrides.has(pairKey(p.jobId, p.staffId, p.slotId)));
    const opened = [
      ...(await this.conflicts.insert(em, newOpen, 'open', null)),
      ...(await this.conflicts.insert(em, newOverridden, 'overridden', actor.id)),
    ];
    for (const { conflict, pair } of diff.toRefresh) await this.conflicts.refreshSnapshot(em, conflict.id, pair);
    await this.conflicts.markOverridden(
      em,
      diff.toOverride.map((c) => c.id),
      actor.id,
    );
    const resolved = await this.conflicts.resolve(
      em,
      diff.toResolve.map((c) => c.id),
    );

    const records: AuditRecord[] = [
      ...opened.map((c) => ({
        actor,
        action: c.status === 'overridden' ? 'conflict.overridden' : 'conflict.opened',
        entityType: 'conflict',
        entityId: c.id,
        venueId: c.venueId,
        staffId: c.staffId,
        after: { status: c.status, jobId: c.jobId, blockedSlotId: c.blockedSlotId },
      })),
      ...diff.toOverride.map((c) => ({
        actor,
        action: 'conflict.overridden',
        entityType: 'conflict',
        entityId: c.id,
        staffId: c.staffId,
        before: { status: 'open' },
        after: { status: 'overridden', jobId: c.jobId, blockedSlotId: c.slotId },
      })),
      ...resolved.map((r) => {
        const c = diff.toResolve.find((x) => x.id === r.id)!;
        return {
          actor,
          action: 'conflict.resolved',
          entityType: 'conflict',
          entityId: r.id,
          staffId: c.staffId,
          before: { status: c.status },
          after: { status: 'resolved', resolution: r.resolution, jobId: c.jobId, blockedSlotId: c.slotId },
        };
      }),
    ];
    await this.audit.record(em, ...records);
    const event = (
      type: ConflictEventType,
      c: { id: string; staffId: string; venueId: string; jobId: string; slotId: string | null },
      resolution?: string,
    ): NewDomainEvent => ({
      type,
      aggregateType: 'conflict',
      aggregateId: c.id,
      venueIds: [c.venueId],
      payload: { conflictId: c.id, staffId: c.staffId, jobId: c.jobId, blockedSlotId: c.slotId, ...(resolution ? { resolution } : {}) },
    });
    await this.outbox.append(
      em,
      ...opened.map((c) =>
        event(c.status === 'overridden' ? 'conflict.overridden' : 'conflict.opened', { ...c, slotId: c.blockedSlotId }),
      ),
      ...diff.toOverride.map((c) => event('conflict.overridden', c)),
      ...resolved.map((r) => event('conflict.resolved', diff.toResolve.find((x) => x.id === r.id)!, r.resolution)),
    );
    return { opened, overridden: diff.toOverride.map((c) => c.id), resolved: resolved.map((r) => r.id) };
  }

  overriddenSlotIds(em: EntityManager, jobId: string, staffId: string): Promise<Set<string>> {
    return this.conflicts.overriddenSlotIds(em, jobId, staffId);
  }

  async list(principal: Principal, query: ListConflictsQueryDto): Promise<ConflictView[]> {
    let venueIds: string[] | undefined;
    let staffId = query.staffId;
    if (principal.role === 'staff') {
      if (staffId && staffId !== principal.staffId) {
        throw ApiError.forbidden('You can only see your own conflicts', 'STAFF_OUT_OF_SCOPE');
      }
      staffId = principal.staffId;
      if (query.venueId) venueIds = [query.venueId];
    } else if (principal.role === 'dispatcher') {
      if (query.venueId && !principal.venueIds.includes(query.venueId)) {
        throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
      }
      venueIds = query.venueId ? [query.venueId] : principal.venueIds;
    } else if (query.venueId) {
      venueIds = [query.venueId];
    }
    const rows = await this.conflicts.list({
      venueIds,
      staffId,
      jobId: query.jobId,
      status: query.status,
      limit: query.limit ?? 200,
    });
    const sides = await this.conflicts.sides(
      [...new Set(rows.map((r) => r.jobId))],
      [...new Set(rows.map((r) => r.blockedSlotId).filter((id): id is string => !!id))],
    );
    return rows.map((c) => {
      const job = sides.jobs.get(c.jobId);
      const slot = c.blockedSlotId ? sides.slots.get(c.blockedSlotId) : undefined;
      const zone = job?.timezone ?? 'UTC';
      return {
        id: c.id,
        status: c.status,
        venueId: c.venueId,
        staffId: c.staffId,
        job: {
          id: c.jobId,
          title: job?.title ?? null,
          status: job?.status ?? null,
          startsAt: formatInZone(c.jobStartsAt, zone),
          endsAt: formatInZone(c.jobEndsAt, zone),
        },
        blockedSlot: {
          id: c.blockedSlotId,
          source: c.slotSource,
          reason: slot?.reason ?? null,
          startsAt: c.slotStartsAt.toISOString(),
          endsAt: c.slotEndsAt.toISOString(),
        },
        detectedAt: c.detectedAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
        overriddenBy: c.overriddenBy,
        overriddenAt: c.overriddenAt?.toISOString() ?? null,
        resolvedAt: c.resolvedAt?.toISOString() ?? null,
        resolution: c.resolution,
      };
    });
  }
}
