import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { JobStatus } from './job-rules';
import type { MeetingStatus, RemoteProvider } from './meeting-links';

/** A booking at a venue. Times are instants; all-day jobs run from local midnight to local midnight. */
@Entity('jobs')
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'venue_id', type: 'uuid' })
  venueId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  service: string | null;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Column({ name: 'remote_url', type: 'text', nullable: true })
  remoteUrl: string | null;

  @Column({ name: 'remote_details', type: 'text', nullable: true })
  remoteDetails: string | null;

  /** Where the remote link comes from (null: no remote part). */
  @Column({ name: 'remote_provider', type: 'text', nullable: true })
  remoteProvider: RemoteProvider | null;

  /** For links a calendar creates (google_meet, teams): how far the request got. */
  @Column({ name: 'meeting_status', type: 'text', nullable: true })
  meetingStatus: MeetingStatus | null;

  /** Why the calendar could not create the meeting (status unavailable). */
  @Column({ name: 'meeting_note', type: 'text', nullable: true })
  meetingNote: string | null;

  /** Fresh for every new meeting request (part of the conference request id the calendar sees). */
  @Column({ name: 'meeting_request', type: 'text', nullable: true })
  meetingRequest: string | null;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'all_day', type: 'boolean', default: false })
  allDay: boolean;

  @Column({ type: 'text', default: 'pending' })
  status: JobStatus;

  /** Grows with every change (optimistic concurrency, feed SEQUENCE, sync change detection). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
