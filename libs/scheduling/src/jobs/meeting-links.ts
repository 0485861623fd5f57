import { ApiError } from '@calbridge/core';
import { randomBytes } from 'node:crypto';

/**
 * Where a job's join link comes from: `url` is given by the dispatcher; `google_meet` and
 * `teams` are created by the calendar the job is pushed to (Google Calendar, Outlook) and
 * reported back through {@link applyMeetingReport}.
 */
export const REMOTE_PROVIDERS = ['url', 'google_meet', 'teams'] as const;
export type RemoteProvider = (typeof REMOTE_PROVIDERS)[number];
export type MeetingProvider = Exclude<RemoteProvider, 'url'>;

/**
 * How far a created link got: `requested` (no calendar able to create it has seen the job yet),
 * `pending` (the provider accepted the request and has not finished), `created` (the link is the
 * job's remote url), `unavailable` (the calendar cannot create it; `note` says why).
 */
export const MEETING_STATUSES = ['requested', 'pending', 'created', 'unavailable'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export function isMeetingProvider(provider: string | null | undefined): provider is MeetingProvider {
  return provider === 'google_meet' || provider === 'teams';
}

/** What a calendar said about the meeting of a job it was asked to create. */
export type MeetingReport = (
  | { provider: MeetingProvider; status: 'created'; url: string }
  | { provider: MeetingProvider; status: 'pending' }
  | { provider: MeetingProvider; status: 'unavailable'; reason: string }
) & {
  /** The job's request token the calendar was asked with: a report on an earlier request is ignored. */
  request?: string | null;
};

export interface MeetingFields {
  remoteProvider: RemoteProvider | null;
  remoteUrl: string | null;
  meetingStatus: MeetingStatus | null;
  meetingNote: string | null;
  meetingRequest?: string | null;
}

/**
 * The job's meeting fields after a report, or null when the report changes nothing: the job no
 * longer asks that provider for a meeting (the dispatcher changed it meanwhile), a link already
 * created stays (the first one wins: one meeting per job), and a repeated report is a no-op.
 */
export function applyMeetingReport(
  current: MeetingFields,
  report: MeetingReport,
): Pick<MeetingFields, 'remoteUrl' | 'meetingStatus' | 'meetingNote'> | null {
  if (current.remoteProvider !== report.provider || current.meetingStatus === 'created') return null;
  if (report.request !== undefined && current.meetingRequest !== undefined && report.request !== current.meetingRequest) return null;
  const next =
    report.status === 'created'
      ? { remoteUrl: report.url, meetingStatus: 'created' as const, meetingNote: null }
      : report.status === 'pending'
        ? { remoteUrl: null, meetingStatus: 'pending' as const, meetingNote: null }
        : { remoteUrl: null, meetingStatus: 'unavailable' as const, meetingNote: report.reason.slice(0, 500) };
  const same = next.remoteUrl === current.remoteUrl && next.meetingStatus === current.meetingStatus && next.meetingNote === current.meetingNote;
  return same ? null : next;
}

/** A job's remote columns. */
export interface RemoteFields extends MeetingFields {
  remoteDetails: string | null;
  /** Fresh for each new meeting request: the conference request id is the event key plus it. */
  meetingRequest: string | null;
}

/**
 * The job's remote fields after a dispatcher's `remote` (undefined: unchanged; null: none).
 * Repeating the provider keeps the meeting (or its pending request); after the calendar could
 * not create it (`unavailable`), or with another provider, the meeting is asked for anew.
 */
export function resolveRemote(
  current: RemoteFields,
  remote: { provider?: RemoteProvider; url?: string | null; details?: string | null } | null | undefined,
  newRequest: () => string = () => randomBytes(5).toString('hex'),
): RemoteFields {
  const none: RemoteFields = { remoteProvider: null, remoteUrl: null, remoteDetails: null, meetingStatus: null, meetingNote: null, meetingRequest: null };
  if (remote === undefined) {
    // Only the remote fields (callers spread the result over a whole job).
    const { remoteProvider, remoteUrl, remoteDetails, meetingStatus, meetingNote, meetingRequest } = current;
    return { remoteProvider, remoteUrl, remoteDetails, meetingStatus, meetingNote, meetingRequest };
  }
  if (remote === null) return none;
  const provider = remote.provider ?? 'url';
  const details = remote.details ?? null;
  if (!isMeetingProvider(provider)) return { ...none, remoteProvider: 'url', remoteUrl: remote.url ?? null, remoteDetails: details };
  if (current.remoteProvider === provider && current.meetingStatus !== 'unavailable') {
    const { remoteUrl, meetingStatus, meetingNote, meetingRequest } = current;
    return { remoteProvider: provider, remoteUrl, remoteDetails: details, meetingStatus, meetingNote, meetingRequest };
  }
  return { ...none, remoteProvider: provider, remoteDetails: details, meetingStatus: 'requested', meetingRequest: newRequest() };
}

/** A fixed link needs its url; a created one must not carry one (the calendar makes it). */
export function assertRemoteShape(remote: { provider?: RemoteProvider; url?: string | null } | null | undefined): void {
  if (!remote) return;
  const provider = remote.provider ?? 'url';
  if (provider === 'url' && !remote.url) {
    throw ApiError.badRequest('REMOTE_URL_REQUIRED', 'remote.url is required unless remote.provider is "google_meet" or "teams"');
  }
  if (isMeetingProvider(provider) && remote.url) {
    throw ApiError.badRequest(
      'REMOTE_URL_NOT_ALLOWED',
      `remote.url cannot be set with remote.provider "${provider}": the calendar the job is pushed to creates the meeting and its link (use provider "url" for a fixed link)`,
    );
  }
}
