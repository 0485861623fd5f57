import { calendarStatusOf, isMeetingProvider, JobSnapshot, redactedClientName } from '@calbridge/scheduling';
import { createHash } from 'node:crypto';
import type { OutboundEvent } from '../providers/calendar-provider';
import { eventKey } from '../providers/event-key';


export interface OutboundPolicy {
  /** Cancelled and no-show jobs: removed from the calendar, or kept and marked cancelled. */
  cancelled: 'remove' | 'mark';
  /** Per connection, off by default: client names appear redacted to "First L.". */
  includeClientNames: boolean;
  /** Link back to the job in the platform (`{jobId}` placeholder). */
  platformJobUrl: string;
  /** Jobs that ended before this are not pushed (the sync window's start). */
  notBefore: Date;
}


/**
 * The event a staff member's calendar should show for a job, or null when it should show none
 * (not assigned to them, cancelled under the "remove" policy, long over). Contains what the
 * iCal feed contains, under the same privacy rules.
 */
export function buildOutboundEvent(
  job: JobSnapshot | null,
  target: { connectionId: string; staffId: string },
  policy: OutboundPolicy,
): OutboundEvent | null {
  if (!job || !job.staffIds.includes(target.staffId)) return null;
  const status: OutboundEvent['status'] = calendarStatusOf(job.status);
  if (status === 'cancelled' && policy.cancelled === 'remove') return null;
  if (job.endsAt <= policy.notBefore) return null;

  const url = policy.platformJobUrl.replace('{jobId}', encodeURIComponent(job.id));
  const lines: string[] = [];
  if (job.service) lines.push(`Service: ${job.service}`);
  const client = job.customer && policy.includeClientNames ? redactedClientName(job.customer.firstName, job.customer.lastName) : null;
  if (client) lines.push(`Client: ${client}`);
  if (job.remoteUrl) lines.push(`Join: ${job.remoteUrl}`);
  if (job.remoteDetails) lines.push(job.remoteDetails);
  lines.push(`Status: ${job.status.replace(/_/g, ' ')}`);
  lines.push(`Details: ${url}`);

  const content = {
    key: eventKey(target.connectionId, job.id),
    jobId: job.id,
    connectionId: target.connectionId,
    title: job.title,
    description: lines.join('\n'),
    location: job.location ?? (job.remoteUrl ? 'Online' : null),
    url,
    startsAt: job.startsAt,
    endsAt: job.endsAt,
    allDay: job.allDay,
    timezone: job.timezone,
    status,
    conference:
      isMeetingProvider(job.remoteProvider) && !job.remoteUrl && status !== 'cancelled'
        ? {
            provider: job.remoteProvider,
            requestId: [eventKey(target.connectionId, job.id), job.meetingRequest].filter(Boolean).join('-'),
            token: job.meetingRequest,
          }
        : null,
  };
  return { ...content, sequence: job.version, contentHash: contentHash(content) };
}

/** Stable hash of an event's visible content (dates as instants, keys in a fixed order). */
export function contentHash(content: Omit<OutboundEvent, 'sequence' | 'contentHash'>): string {
  const canonical = JSON.stringify([
    content.key,
    content.jobId,
    content.connectionId,
    content.title,
    content.description,
    content.location,
    content.url,
    content.startsAt.toISOString(),
    content.endsAt.toISOString(),
    content.allDay,
    content.timezone,
    content.status,
    // Only events asking for a meeting hash it (the hashes of all others stay as they were).
    ...(content.conference ? [`conference:${content.conference.provider}:${content.conference.requestId}`] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
