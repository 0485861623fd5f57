import { CalendarMethod, renderCalendar, renderEvent } from '@calbridge/icalendar';
import { jobInvitationUid } from '@calbridge/scheduling';
import { createHash } from 'node:crypto';

/** A job as an invitation shows it (plain data, read by the caller). */
export interface InvitationJob {
  id: string;
  version: number;
  status: string;
  title: string;
  service: string | null;
  location: string | null;
  remoteUrl: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  timezone: string;
  venueName: string;
}

export interface InvitationRecipient {
  email: string;
  name: string;
  kind: 'customer' | 'staff';
  /** Whether this person should hold the invitation now (customer of the job / opted-in staff on it, venue switched on). */
  wanted: boolean;
}

/** What a recipient was last sent about a job. */
export interface SentInvitation {
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  contentHash: string;
}

export interface InvitationDecision {
  method: 'REQUEST' | 'CANCEL';
  /** The iTIP SEQUENCE: the job's version, and always above what the recipient last got. */
  sequence: number;
  contentHash: string;
  /** A REQUEST the recipient has had an earlier version of. */
  update: boolean;
}

/** Statuses that put a job in the customer's calendar: confirmed (or booked), and on the way. */
const INVITED_STATUSES = new Set(['confirmed', 'seeking_replacement', 'arrived']);

/**
 * What to send one recipient about a job now, or null: a REQUEST when the job is confirmed and
 * still ahead and the recipient has not had exactly this (time, place, title, link) yet; a CANCEL
 * when someone who holds the invitation should not any more (the job was cancelled, the customer
 * changed, the staff member was taken off it). Nothing about jobs already over.
 */
export function decideInvitation(job: InvitationJob, recipient: InvitationRecipient, last: SentInvitation | null, now: Date): InvitationDecision | null {
  if (job.endsAt.getTime() <= now.getTime()) return null;
  const sequence = Math.max(job.version, (last?.sequence ?? -1) + 1);
  if (recipient.wanted && INVITED_STATUSES.has(job.status)) {
    const contentHash = invitationHash(job);
    if (last?.method === 'REQUEST' && last.contentHash === contentHash) return null;
    return { method: 'REQUEST', sequence, contentHash, update: last?.method === 'REQUEST' };
  }
  const shouldLose = !recipient.wanted || job.status === 'cancelled' || job.status === 'no_show';
  if (last?.method === 'REQUEST' && shouldLose) return { method: 'CANCEL', sequence, contentHash: 'CANCEL', update: false };
  return null;
}

/** What the invitation shows (the service, or the title when there is none): a change to anything else sends nothing. */
function invitationHash(job: InvitationJob): string {
  return createHash('sha256')
    .update(JSON.stringify([job.startsAt.toISOString(), job.endsAt.toISOString(), job.allDay, job.timezone, job.service ?? job.title, job.location, job.remoteUrl, job.venueName]))
    .digest('base64url');
}

/**
 * The iTIP (RFC 5546) calendar of an invitation, through the shared codec: METHOD REQUEST or
 * CANCEL, ORGANIZER the sender, ATTENDEE only this recipient, times with TZID and VTIMEZONE.
 */
export function invitationCalendar(
  job: InvitationJob,
  decision: Pick<InvitationDecision, 'method' | 'sequence'>,
  recipient: Pick<InvitationRecipient, 'email' | 'name'>,
  content: { summary: string; description: string },
  organizer: { address: string; name: string | null },
  stamp: Date,
): string {
  const method: CalendarMethod = decision.method;
  const event = renderEvent({
    uid: jobInvitationUid(job.id), // one per job: every recipient, every update, the booking page's .ics
    sequence: decision.sequence,
    stamp,
    start: job.startsAt,
    end: job.endsAt,
    allDay: job.allDay,
    zone: job.timezone,
    summary: content.summary,
    description: content.description,
    location: job.location ?? job.remoteUrl,
    url: job.remoteUrl,
    status: decision.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { email: organizer.address, name: organizer.name ?? job.venueName },
    attendees: [{ email: recipient.email, name: recipient.name, partstat: 'NEEDS-ACTION', rsvp: false, role: 'REQ-PARTICIPANT' }],
  });
  return renderCalendar({ prodId: '-//calbridge//invitations//EN', method }, [event]);
}
