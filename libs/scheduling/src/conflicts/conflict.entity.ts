import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const CONFLICT_STATUSES = ['open', 'resolved', 'overridden'] as const;
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

/** A job of a staff member overlapping one of their blocked slots. */
@Entity('conflicts')
export class Conflict {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId: string;

  @Column({ name: 'venue_id', type: 'uuid' })
  venueId: string;

  /** Null once the slot is gone (the conflict is then resolved). */
  @Column({ name: 'blocked_slot_id', type: 'uuid', nullable: true })
  blockedSlotId: string | null;

  @Column({ type: 'text' })
  status: ConflictStatus;

  @Column({ name: 'job_starts_at', type: 'timestamptz' })
  jobStartsAt: Date;

  @Column({ name: 'job_ends_at', type: 'timestamptz' })
  jobEndsAt: Date;

  @Column({ name: 'slot_starts_at', type: 'timestamptz' })
  slotStartsAt: Date;

  @Column({ name: 'slot_ends_at', type: 'timestamptz' })
  slotEndsAt: Date;

  @Column({ name: 'slot_source', type: 'text' })
  slotSource: string;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'overridden_by', type: 'text', nullable: true })
  overriddenBy: string | null;

  @Column({ name: 'overridden_at', type: 'timestamptz', nullable: true })
  overriddenAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** Why it ended: no_longer_overlapping, slot_removed, unassigned, job_inactive. */
  @Column({ type: 'text', nullable: true })
  resolution: string | null;
}
