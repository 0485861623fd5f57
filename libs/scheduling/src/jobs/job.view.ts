import { formatInZone } from '@calbridge/core';
import type { JobRecord } from './jobs.repository';
import type { MeetingStatus, RemoteProvider } from './meeting-links';
import type { Job } from './job.entity';

/**
 * The job's remote part: the join link (a fixed one, or the one the staff member's calendar
 * created; null while a meeting is still to be created) and, for created links, the state of the
 * request (`note`: why the calendar could not create it).
 */
export interface RemoteView {
  provider: RemoteProvider;
  url: string | null;
  details: string | null;
  meeting: { status: MeetingStatus; note: string | null } | null;
}

export function toRemoteView(job: Pick<Job, 'remoteProvider' | 'remoteUrl' | 'remoteDetails' | 'meetingStatus' | 'meetingNote'>): RemoteView | null {
  if (!job.remoteProvider && !job.remoteUrl) return null;
  return {
    provider: job.remoteProvider ?? 'url',
    url: job.remoteUrl,
    details: job.remoteDetails,
    meeting: job.meetingStatus ? { status: job.meetingStatus, note: job.meetingNote } : null,
  };
}

export interface JobView {
  id: string;
  venueId: string;
  title: string;
  service: string | null;
  customerId: string | null;
  customer: { id: string; firstName: string; lastName: string } | null;
  location: string | null;
  remote: RemoteView | null;
  /** In the venue's zone, with offset. */
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  timezone: string;
  status: string;
  version: number;
  assignments: Array<{ staffId: string; role: string; assignedAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export function toJobView(r: JobRecord): JobView {
  const { job } = r;
  return {
    id: job.id,
    venueId: job.venueId,
    title: job.title,
    service: job.service,
    customerId: job.customerId,
    customer: r.customer,
    location: job.location,
    remote: toRemoteView(job),
    startsAt: formatInZone(job.startsAt, r.timezone),
    endsAt: formatInZone(job.endsAt, r.timezone),
    allDay: job.allDay,
    timezone: r.timezone,
    status: job.status,
    version: job.version,
    assignments: r.assignments.map((a) => ({ staffId: a.staffId, role: a.role, assignedAt: a.assignedAt.toISOString() })),
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/** What the audit trail stores of a job (no customer contact details). */
export function jobSnapshot(job: {
  title: string;
  service: string | null;
  customerId: string | null;
  location: string | null;
  remoteUrl: string | null;
  remoteDetails: string | null;
  remoteProvider?: string | null;
  meetingStatus?: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  status: string;
  version?: number;
}): Record<string, unknown> {
  return {
    title: job.title,
    service: job.service,
    customerId: job.customerId,
    location: job.location,
    remoteUrl: job.remoteUrl,
    remoteDetails: job.remoteDetails,
    ...(job.remoteProvider ? { remoteProvider: job.remoteProvider } : {}),
    ...(job.meetingStatus ? { meetingStatus: job.meetingStatus } : {}),
    startsAt: job.startsAt.toISOString(),
    endsAt: job.endsAt.toISOString(),
    allDay: job.allDay,
    status: job.status,
    ...(job.version !== undefined ? { version: job.version } : {}),
  };
}
