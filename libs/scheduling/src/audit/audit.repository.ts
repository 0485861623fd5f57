import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  venueId?: string | null;
  staffId?: string | null;
  before?: object | null;
  after?: object | null;
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  /**
   * The caller's scope (undefined = everything): rows of these venues, or of no venue but about
   * staff or customers belonging to them (dispatchers); or rows about one staff member (staff).
   */
  scope?: { venueIds: string[] } | { staffId: string };
  beforeId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends rows inside the caller's transaction. */
  async append(em: EntityManager, records: AuditRecord[]): Promise<void> {
    if (!records.length) return;
    const params: unknown[] = [];
    const tuples = records.map((r) => {
      params.push(
        r.actor.type,
        r.actor.id,
        r.actor.role ?? null,
        r.action,
        r.entityType,
        r.entityId,
        r.venueId ?? null,
        r.staffId ?? null,
        r.before ? JSON.stringify(r.before) : null,
        r.after ? JSON.stringify(r.after) : null,
      );
      const b = params.length - 10;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::uuid, $${b + 8}::uuid, $${b + 9}::jsonb, $${b + 10}::jsonb)`;
    });
    await em.query(
      `INSERT INTO audit_log (actor_type, actor_id, actor_role, action, entity_type, entity_id, venue_id, staff_id, before, after)
       VALUES ${tuples.join(', ')}`,
      params,
    );
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    if (query.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.scope && 'venueIds' in query.scope) {
      // Rows of a venue: that venue's. Rows of no venue: about a staff member or a customer of
      // one of these venues. (A staff member working at two venues does not carry one venue's
      // entries to the other's dispatchers.)
      qb.andWhere(
        `(a.venue_id = ANY(:venueIds::uuid[])
          OR (a.venue_id IS NULL AND a.staff_id IN (SELECT sv.staff_id FROM staff_venues sv WHERE sv.venue_id = ANY(:venueIds::uuid[])))
          OR (a.venue_id IS NULL AND a.entity_type = 'customer'
              AND a.entity_id IN (SELECT cv.customer_id::text FROM customer_venues cv WHERE cv.venue_id = ANY(:venueIds::uuid[]))))`,
        { venueIds: query.scope.venueIds },
      );
    } else if (query.scope) {
      qb.andWhere('a.staff_id = :staffId', { staffId: query.scope.staffId });
    }
    if (query.beforeId) qb.andWhere('a.id < :beforeId', { beforeId: query.beforeId });
    return qb.orderBy('a.id', 'DESC').limit(query.limit).getMany();
  }
}
