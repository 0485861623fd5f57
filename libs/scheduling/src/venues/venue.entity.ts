import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('venues')
export class Venue {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** IANA time zone, e.g. Europe/Berlin. */
  @Column({ type: 'text' })
  timezone: string;

  /** Self-booking policy (API.md "Services, working hours, availability and self-booking"). */
  @Column({ name: 'booking_enabled', type: 'boolean', default: false })
  bookingEnabled: boolean;

  @Column({ name: 'booking_min_notice_minutes', type: 'integer', default: 120 })
  bookingMinNoticeMinutes: number;

  @Column({ name: 'booking_horizon_days', type: 'integer', default: 60 })
  bookingHorizonDays: number;

  @Column({ name: 'booking_slot_interval_minutes', type: 'integer', default: 15 })
  bookingSlotIntervalMinutes: number;

  @Column({ name: 'booking_cancellation_cutoff_minutes', type: 'integer', default: 1440 })
  bookingCancellationCutoffMinutes: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
