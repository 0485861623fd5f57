import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('staff')
export class Staff {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;

  /** false: deactivated (kept for history; no new assignments, not on the board, not bookable). */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /**
   * Grows in the same transaction as any change to this person's jobs, assignments or blocked
   * slots: a cheap "has anything changed?" for feeds and sync.
   */
  @Column({ name: 'schedule_version', type: 'bigint', default: 0 })
  scheduleVersion: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
