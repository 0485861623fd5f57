import { calendarStatusOf, cleanText, isActiveStatus, JobStatus, oneLine, redactedClientName } from '@calbridge/scheduling';
import { DateTime } from 'luxon';
import type { FeedPolicy } from '../ical-feed.config';
import type { FeedEventInput } from './feed-builder';
import { FeedJobRow, teamOf } from './feed-jobs.repository';

/**
 * The feed's editorial rules, as pure functions: which jobs appear, how a job reads in a
 * calendar (summary, description, status), the calendar's name and the expiry warning.
 */

export interface FeedEventContext {
  /** The venue's IANA zone. */
  zone: string;
  includeClientNames: boolean;
  policy: Pick<FeedPolicy, 'utcOnly' | 'jobUrlTemplate'>;
}

const STATUS_LABEL: Record<JobStatus, string> = {
  pending: 'Pending',
  confirmed: 'Confirmed',
  contingent: 'Contingent',
  seeking_replacement: 'Seeking replacement',
  arrived: 'Arrived',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};

/** pending, contingent -> TENTATIVE; cancelled, no_show -> CANCELLED; everything else -> CONFIRMED. */
export function icalStatusOf(status: JobStatus): FeedEventInput['status'] {
  return calendarStatusOf(status).toUpperCase() as FeedEventInput['status'];
}

/** The statuses a feed shows: FEED_STATUSES, without cancelled/no_show when they are to be omitted. */
export function visibleStatuses(policy: Pick<FeedPolicy, 'statuses' | 'cancelled'>): JobStatus[] {
  return policy.statuses.filter((s) => policy.cancelled === 'mark' || isActiveStatus(s));
}

/** [start of `day` − past days, end of `day` + future days), `day` being a date in the venue's zone. */
export function feedWindow(day: string, zone: string, policy: Pick<FeedPolicy, 'pastDays' | 'futureDays'>): { from: Date; to: Date } {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  return {
    from: start.minus({ days: policy.pastDays }).toJSDate(),
    to: start.plus({ days: policy.futureDays + 1 }).toJSDate(),
  };
}

/** Everything besides job id and version that changes how a job renders (the event cache key). */
export function eventCacheKey(job: FeedJobRow, ctx: FeedEventContext): string {
  const client = ctx.includeClientNames ? `${job.clientFirstName ?? ''}\u0001${job.clientLastInitial ?? ''}` : '';
  return `${job.id}\u0002${job.version}\u0002${ctx.includeClientNames ? 1 : 0}${ctx.policy.utcOnly ? 1 : 0}\u0002${ctx.zone}\u0002${job.teamJson ?? ''}\u0002${client}`;
}

export function jobUid(jobId: string): string {
  return `job-${jobId}@calbridge`;
}

export function jobUrl(template: string, jobId: string): string {
  return template.replace(/\{jobId\}/g, encodeURIComponent(jobId));
}

/** One job as a VEVENT. */
export function jobEvent(job: FeedJobRow, ctx: FeedEventContext): FeedEventInput {
  const status = icalStatusOf(job.status);
  const title = oneLine(job.title);
  const service = job.service ? oneLine(job.service) : '';
  let summary = service && service.toLowerCase() !== title.toLowerCase() ? `${service} – ${title}` : title || service;
  const client = ctx.includeClientNames ? redactedClientName(job.clientFirstName, job.clientLastInitial) : null;
  if (client) summary += ` (${client})`;
  if (job.status === 'cancelled') summary = `Cancelled: ${summary}`;
  if (job.status === 'no_show') summary = `No-show: ${summary}`;

  const url = jobUrl(ctx.policy.jobUrlTemplate, job.id);
  const lines: string[] = [];
  if (service && service !== title) lines.push(`Service: ${service}`);
  if (client) lines.push(`Client: ${client}`);
  lines.push(`Status: ${STATUS_LABEL[job.status]}`);
  const team = teamOf(job);
  if (team.length) {
    lines.push(`Team: ${team.map((m) => `${oneLine(m.name)}${m.role === 'lead' ? ' (lead)' : ''}`).join(', ')}`);
  }
  if (job.remoteUrl) lines.push(`Join online: ${oneLine(job.remoteUrl)}`);
  if (job.remoteDetails) lines.push(cleanText(job.remoteDetails).trim());
  lines.push('', `Open the job: ${url}`);
  lines.push(`Last updated: ${DateTime.fromJSDate(job.updatedAt, { zone: ctx.zone }).toFormat('yyyy-LL-dd HH:mm')} (${ctx.zone})`);

  const location = job.location ? oneLine(job.location) : job.remoteUrl ? oneLine(job.remoteUrl) : null;
  return {
    uid: jobUid(job.id),
    sequence: Math.max(0, job.version - 1),
    lastModified: job.updatedAt,
    created: job.createdAt,
    start: job.startsAt,
    end: job.endsAt,
    allDay: job.allDay,
    zone: ctx.zone,
    utc: ctx.policy.utcOnly,
    summary: summary || 'Job',
    description: lines.join('\n'),
    location: location || null,
    url,
    status,
    busy: status !== 'CANCELLED',
  };
}

export function calendarName(venueName: string, staffName: string): string {
  return `${oneLine(venueName)} — ${oneLine(staffName)}`;
}

export interface ExpiryState {
  /** The feed's URL stops working at this instant. */
  expiresAt: Date;
  /** Today, in the venue's zone (ISO date). */
  day: string;
  zone: string;
  warningDays: number;
  manageUrl: string | null;
}

/** Whole days from `day` to the expiry date (both in the venue's zone); null outside the warning period. */
export function daysUntilExpiry(state: ExpiryState): number | null {
  const today = DateTime.fromISO(state.day, { zone: state.zone }).startOf('day');
  const expiryDay = DateTime.fromJSDate(state.expiresAt, { zone: state.zone }).startOf('day');
  const days = Math.round(expiryDay.diff(today, 'days').days);
  return days <= state.warningDays ? Math.max(0, days) : null;
}

function renewHint(state: ExpiryState): string {
  const where = state.manageUrl
    ? `Generate a new link at ${state.manageUrl}`
    : 'Generate a new link in the scheduling app, where you found this one (calendar feed settings)';
  return `${where}, subscribe to the new link, then remove this calendar.`;
}

function expiryDate(state: ExpiryState): string {
  return DateTime.fromJSDate(state.expiresAt, { zone: state.zone }).toFormat('yyyy-LL-dd HH:mm');
}

export function calendarDescription(venueName: string, staffName: string, state: ExpiryState): string {
  const base = `Jobs of ${oneLine(staffName)} at ${oneLine(venueName)}, read-only (changes made here are not sent back).`;
  const days = daysUntilExpiry(state);
  if (days === null) return base;
  return `⚠ This calendar link expires on ${expiryDate(state)} (${state.zone}). ${renewHint(state)} ${base}`;
}

/** The all-day warning event on the current day, during the last `warningDays` before expiry. */
export function expiryNotice(staffId: string, venueId: string, state: ExpiryState): FeedEventInput | null {
  const days = daysUntilExpiry(state);
  if (days === null) return null;
  const start = DateTime.fromISO(state.day, { zone: state.zone }).startOf('day');
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`;
  return {
    uid: `feed-expiry-${staffId}-${venueId}@calbridge`,
    sequence: Math.max(0, state.warningDays - days),
    lastModified: start.toUTC().toJSDate(),
    created: start.toUTC().toJSDate(),
    start: start.toJSDate(),
    end: start.plus({ days: 1 }).toJSDate(),
    allDay: true,
    zone: state.zone,
    utc: false,
    summary: `⚠ Calendar link expires ${when} – generate a new one`,
    description: `This calendar subscription stops updating on ${expiryDate(state)} (${state.zone}). ${renewHint(state)}`,
    location: null,
    url: state.manageUrl,
    status: 'CONFIRMED',
    busy: false,
  };
}
