import { ApiError, parseInstant, Principal } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertCanActInVenue } from '../common/access';
import { actorOf } from '../common/actor';
import { parseTimeWindow } from '../common/time-window';
import { ConflictsService } from '../conflicts/conflicts.service';
import type { BlockedSlotsSyncedPayload } from '../outbox/domain-events';
import { OutboxService } from '../outbox/outbox.service';
import { schedulingConfig } from '../scheduling.config';
import { StaffRepository } from '../staff/staff.repository';
import { StaffService } from '../staff/staff.service';
import { BlockedSlot } from './blocked-slot.entity';
import { BlockedSlotsRepository } from './blocked-slots.repository';
import { CreateBlockedSlotDto } from './dto/create-blocked-slot.dto';

export interface BlockedSlotView {
  id: string;
  staffId: string;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  source: BlockedSlot['source'];
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toBlockedSlotView(s: BlockedSlot): BlockedSlotView {
  return {
    id: s.id,
    staffId: s.staffId,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    allDay: s.allDay,
    source: s.source,
    reason: s.reason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

@Injectable()
export class BlockedSlotsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly slots: BlockedSlotsRepository,
    private readonly staff: StaffService,
    private readonly staffRepository: StaffRepository,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(schedulingConfig.KEY) private readonly config: ConfigType<typeof schedulingConfig>,
  ) {}

  async list(principal: Principal, staffId: string, from?: string, to?: string): Promise<BlockedSlotView[]> {
    await this.staff.requireAccessible(principal, staffId);
    const window = parseTimeWindow(from, to, { maxDays: this.config.maxWindowDays, required: true })!;
    return (await this.slots.listForStaff(staffId, window.from, window.to)).map(toBlockedSlotView);
  }

  /**
   * Every staff member's blocked time at a venue, for its dispatchers and admins: when, whose,
   * which source. A pulled event never shows its text (it is someone's private calendar): only
   * manual blocks, which staff write for their dispatchers, keep their reason.
   */
  async listForVenue(principal: Principal, venueId: string, from?: string, to?: string): Promise<BlockedSlotView[]> {
    assertCanActInVenue(principal, venueId);
    const window = parseTimeWindow(from, to, { maxDays: this.config.maxWindowDays, required: true })!;
    return (await this.slots.listForVenue(venueId, window.from, window.to)).map((s) => ({
      ...toBlockedSlotView(s),
      reason: s.source === 'manual' ? s.reason : null,
    }));
  }

  /** A manual block by the staff member themself, a dispatcher of their venue or an admin. Never pushed out. */
  async create(principal: Principal, staffId: string, dto: CreateBlockedSlotDto): Promise<BlockedSlotView> {
    await this.staff.requireAccessible(principal, staffId);
    const startsAt = parseInstant(dto.startsAt)!;
    const endsAt = parseInstant(dto.endsAt)!;
    if (endsAt <= startsAt) throw ApiError.badRequest('INVALID_TIME_RANGE', 'endsAt must be later than startsAt');
    if (endsAt.getTime() - startsAt.getTime() > this.config.maxWindowDays * 86_400_000) {
      throw ApiError.badRequest('INVALID_TIME_RANGE', `A blocked slot may span at most ${this.config.maxWindowDays} days`);
    }
    const actor = actorOf(principal);
    return this.dataSource.transaction(async (em) => {
      await this.staffRepository.touchSchedules(em, [staffId]);
      const slot = await this.slots.insert(em, {
        staffId,
        startsAt,
        endsAt,
        allDay: false,
        source: 'manual',
        reason: dto.reason ?? null,
        createdBy: principal.subject,
      });
      const view = toBlockedSlotView(slot);
      await this.audit.record(em, {
        actor,
        action: 'blocked_slot.created',
        entityType: 'blocked_slot',
        entityId: slot.id,
        staffId,
        after: view,
      });
      await this.appendSlotEvent(em, 'blocked_slot.created', slot.id, staffId);
      await this.conflicts.refresh(em, [staffId], actor);
      return view;
    });
  }

  async remove(principal: Principal, staffId: string, slotId: string): Promise<void> {
    await this.staff.requireAccessible(principal, staffId);
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (em) => {
      await this.staffRepository.touchSchedules(em, [staffId]);
      const slot = await this.slots.findById(slotId, em);
      if (!slot || slot.staffId !== staffId) {
        throw ApiError.notFound('BLOCKED_SLOT_NOT_FOUND', `Blocked slot ${slotId} does not exist`);
      }
      if (slot.source !== 'manual') {
        throw ApiError.conflict(
          'BLOCKED_SLOT_EXTERNAL',
          'This slot mirrors an event in a connected calendar; delete or move the event there',
        );
      }
      await this.slots.delete(em, slotId);
      await this.audit.record(em, {
        actor,
        action: 'blocked_slot.deleted',
        entityType: 'blocked_slot',
        entityId: slotId,
        staffId,
        before: toBlockedSlotView(slot),
      });
      await this.appendSlotEvent(em, 'blocked_slot.deleted', slotId, staffId);
      await this.conflicts.refresh(em, [staffId], actor);
    });
  }

  /**
   * Tells the outbox's consumers (boards, subscribers) that a connected calendar changed this
   * person's pulled slots, in the transaction that changed them. Nothing to tell when no slot moved.
   */
  async externalSlotsChanged(em: EntityManager, change: BlockedSlotsSyncedPayload): Promise<void> {
    if (change.created + change.updated + change.deleted === 0) return;
    await this.outbox.append(em, {
      type: 'blocked_slots.synced',
      aggregateType: 'staff',
      aggregateId: change.staffId,
      venueIds: await this.staffRepository.venueIdsOf(em, [change.staffId]),
      payload: change,
    });
  }

  private async appendSlotEvent(em: EntityManager, type: 'blocked_slot.created' | 'blocked_slot.deleted', slotId: string, staffId: string) {
    await this.outbox.append(em, {
      type,
      aggregateType: 'blocked_slot',
      aggregateId: slotId,
      venueIds: await this.staffRepository.venueIdsOf(em, [staffId]),
      payload: { slotId, staffId },
    });
  }
}
