import { Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry } from './audit-entry.entity';
import { AuditRecord, AuditRepository } from './audit.repository';
import type { ListAuditQueryDto } from './dto/list-audit-query.dto';

export interface AuditEntryView {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null; role: string | null };
  action: string;
  entityType: string;
  entityId: string;
  venueId: string | null;
  staffId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export function toAuditEntryView(e: AuditEntry): AuditEntryView {
  return {
    id: String(e.id),
    occurredAt: e.occurredAt.toISOString(),
    actor: { type: e.actorType, id: e.actorId, role: e.actorRole },
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    venueId: e.venueId,
    staffId: e.staffId,
    before: e.before,
    after: e.after,
  };
}

/** The audit trail: written in the same transaction as the change it records, never edited. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(em: EntityManager, ...records: AuditRecord[]): Promise<void> {
    return this.audit.append(em, records);
  }

  async list(principal: Principal, query: ListAuditQueryDto): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 100;
    const scope =
      principal.role === 'admin'
        ? undefined
        : principal.role === 'dispatcher'
          ? { venueIds: principal.venueIds }
          : { staffId: principal.staffId! };
    const rows = await this.audit.list({
      entityType: query.entityType,
      entityId: query.entityId,
      scope,
      beforeId: query.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toAuditEntryView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    };
  }
}
