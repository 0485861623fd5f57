import { rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { LiveConflict, OverlapPair } from './conflict-diff';
import { Conflict, ConflictStatus } from './conflict.entity';

export interface ConflictQuery {
  venueIds?: string[];
  staffId?: string;
  jobId?: string;
  status?: ConflictStatus;
  limit: number;
}

export interface ResolvedInfo {
  id: string;
  resolution: string;
}

@Injectable()
export class ConflictsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Locks these staff rows (in id order) for the caller's transaction, so that two refreshes of
   * one person's conflicts never interleave. A no-op when the caller already holds them.
   */
  async lockStaff(em: EntityManager, staffIds: string[]): Promise<void> {
    await em.query('SELECT id FROM staff WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [staffIds]);
  }

  /** Every active assignment of these staff overlapping one of their blocked slots (GiST-backed join). */
  async overlapPairs(em: EntityManager, staffIds: string[]): Promise<OverlapPair[]> {
    const rows = await em.query(
      `SELECT a.job_id, a.staff_id, j.venue_id, s.id AS slot_id, s.source AS slot_source,
              a.starts_at AS job_starts_at, a.ends_at AS job_ends_at, s.starts_at AS slot_starts_at, s.ends_at AS slot_ends_at
         FROM job_assignments a
         JOIN jobs j ON j.id = a.job_id
         JOIN blocked_slots s ON s.staff_id = a.staff_id AND s.during && a.during
        WHERE a.staff_id = ANY($1::uuid[]) AND a.active`,
      [staffIds],
    );
    return rows.map((r: Record<string, unknown>) => ({
      jobId: r.job_id as string,
      staffId: r.staff_id as string,
      venueId: r.venue_id as string,
      slotId: r.slot_id as string,
      slotSource: r.slot_source as string,
      jobStartsAt: new Date(r.job_starts_at as string),
      jobEndsAt: new Date(r.job_ends_at as string),
      slotStartsAt: new Date(r.slot_starts_at as string),
      slotEndsAt: new Date(r.slot_ends_at as string),
    }));
  }

  /** Open and overridden conflicts of these staff, locked for the caller's transaction. */
  async liveConflicts(em: EntityManager, staffIds: string[]): Promise<LiveConflict[]> {
    const rows = await em.query(
      `SELECT id, job_id, staff_id, venue_id, blocked_slot_id, status, job_starts_at, job_ends_at, slot_starts_at, slot_ends_at
         FROM conflicts WHERE staff_id = ANY($1::uuid[]) AND status <> 'resolved'
        ORDER BY id FOR UPDATE`,
      [staffIds],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      jobId: r.job_id as string,
      staffId: r.staff_id as string,
      venueId: r.venue_id as string,
      slotId: (r.blocked_slot_id as string | null) ?? null,
      status: r.status as 'open' | 'overridden',
      jobStartsAt: new Date(r.job_starts_at as string),
      jobEndsAt: new Date(r.job_ends_at as string),
      slotStartsAt: new Date(r.slot_starts_at as string),
      slotEndsAt: new Date(r.slot_ends_at as string),
    }));
  }

  /** Slots whose overlap with this job was already accepted for this staff member. */
  async overriddenSlotIds(em: EntityManager, jobId: string, staffId: string): Promise<Set<string>> {
    const rows: Array<{ blocked_slot_id: string }> = await em.query(
      `SELECT blocked_slot_id FROM conflicts
        WHERE job_id = $1 AND staff_id = $2 AND status = 'overridden' AND blocked_slot_id IS NOT NULL`,
      [jobId, staffId],
    );
    return new Set(rows.map((r) => r.blocked_slot_id));
  }

  async insert(em: EntityManager, pairs: OverlapPair[], status: 'open' | 'overridden', by: string | null): Promise<Conflict[]> {
    if (!pairs.length) return [];
    const now = new Date();
    const rows = pairs.map((p) => ({
      jobId: p.jobId,
      staffId: p.staffId,
      venueId: p.venueId,
      blockedSlotId: p.slotId,
      status,
      jobStartsAt: p.jobStartsAt,
      jobEndsAt: p.jobEndsAt,
      slotStartsAt: p.slotStartsAt,
      slotEndsAt: p.slotEndsAt,
      slotSource: p.slotSource,
      detectedAt: now,
      updatedAt: now,
      overriddenBy: status === 'overridden' ? by : null,
      overriddenAt: status === 'overridden' ? now : null,
    }));
    const result = await em.createQueryBuilder().insert().into(Conflict).values(rows).returning('*').execute();
    return (result.raw as Record<string, unknown>[]).map((r) => em.getRepository(Conflict).create(mapRaw(r)));
  }

  async refreshSnapshot(em: EntityManager, id: string, p: OverlapPair): Promise<void> {
    await em.query(
      `UPDATE conflicts SET job_starts_at = $2, job_ends_at = $3, slot_starts_at = $4, slot_ends_at = $5, updated_at = now()
        WHERE id = $1`,
      [id, p.jobStartsAt, p.jobEndsAt, p.slotStartsAt, p.slotEndsAt],
    );
  }

  async markOverridden(em: EntityManager, ids: string[], by: string): Promise<void> {
    if (!ids.length) return;
    await em.query(
      `UPDATE conflicts SET status = 'overridden', overridden_by = $2, overridden_at = now(), updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [ids, by],
    );
  }

  /**
   * Resolves conflicts, naming why: the slot is gone, the staff member was unassigned, the job is
   * no longer active, or the two simply stopped overlapping.
   */
  async resolve(em: EntityManager, ids: string[]): Promise<ResolvedInfo[]> {
    if (!ids.length) return [];
    const result = await em.query(
      `UPDATE conflicts c SET status = 'resolved', resolved_at = now(), updated_at = now(),
              resolution = CASE
                WHEN NOT EXISTS (SELECT 1 FROM blocked_slots s WHERE s.id = c.blocked_slot_id) THEN 'slot_removed'
                WHEN NOT EXISTS (SELECT 1 FROM job_assignments a WHERE a.job_id = c.job_id AND a.staff_id = c.staff_id) THEN 'unassigned'
                WHEN NOT EXISTS (SELECT 1 FROM job_assignments a WHERE a.job_id = c.job_id AND a.staff_id = c.staff_id AND a.active) THEN 'job_inactive'
                ELSE 'no_longer_overlapping'
              END
        WHERE c.id = ANY($1::uuid[])
        RETURNING c.id, c.resolution`,
      [ids],
    );
    return rowsOf<ResolvedInfo>(result);
  }

  /** Titles and statuses of the jobs, reasons of the slots still present (for views). */
  async sides(jobIds: string[], slotIds: string[]): Promise<{
    jobs: Map<string, { title: string; status: string; timezone: string }>;
    slots: Map<string, { reason: string | null }>;
  }> {
    const jobs = jobIds.length
      ? await this.dataSource.query(
          `SELECT j.id, j.title, j.status, v.timezone FROM jobs j JOIN venues v ON v.id = j.venue_id WHERE j.id = ANY($1::uuid[])`,
          [jobIds],
        )
      : [];
    const slots = slotIds.length
      ? await this.dataSource.query(`SELECT id, reason FROM blocked_slots WHERE id = ANY($1::uuid[])`, [slotIds])
      : [];
    return {
      jobs: new Map(jobs.map((j: Record<string, string>) => [j.id, { title: j.title, status: j.status, timezone: j.timezone }])),
      slots: new Map(slots.map((s: Record<string, string | null>) => [s.id as string, { reason: s.reason }])),
    };
  }

  async list(query: ConflictQuery): Promise<Conflict[]> {
    const qb = this.dataSource.getRepository(Conflict).createQueryBuilder('c');
    if (query.venueIds) qb.andWhere('c.venue_id = ANY(:venueIds::uuid[])', { venueIds: query.venueIds });
    if (query.staffId) qb.andWhere('c.staff_id = :staffId', { staffId: query.staffId });
    if (query.jobId) qb.andWhere('c.job_id = :jobId', { jobId: query.jobId });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    return qb.orderBy('c.detected_at', 'DESC').addOrderBy('c.id', 'DESC').limit(query.limit).getMany();
  }
}

function mapRaw(r: Record<string, unknown>): Partial<Conflict> {
  return {
    id: r.id as string,
    jobId: r.job_id as string,
    staffId: r.staff_id as string,
    venueId: r.venue_id as string,
    blockedSlotId: r.blocked_slot_id as string | null,
    status: r.status as ConflictStatus,
    jobStartsAt: new Date(r.job_starts_at as string),
    jobEndsAt: new Date(r.job_ends_at as string),
    slotStartsAt: new Date(r.slot_starts_at as string),
    slotEndsAt: new Date(r.slot_ends_at as string),
    slotSource: r.slot_source as string,
    detectedAt: new Date(r.detected_at as string),
    updatedAt: new Date(r.updated_at as string),
    overriddenBy: r.overridden_by as string | null,
    overriddenAt: r.overridden_at ? new Date(r.overridden_at as string) : null,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at as string) : null,
    resolution: r.resolution as string | null,
  };
}
