import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Venue membership: a staff member can be assigned to jobs of the venues they belong to. */
@Entity('staff_venues')
export class StaffVenue {
  @PrimaryColumn({ name: 'staff_id', type: 'uuid' })
  staffId: string;

  @PrimaryColumn({ name: 'venue_id', type: 'uuid' })
  venueId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
