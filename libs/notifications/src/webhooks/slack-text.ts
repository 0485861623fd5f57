import { DateTime } from 'luxon';

/** What a Slack line may mention: plain data, already read. */
export interface SlackTextInput {
  type: string;
  job?: { title: string; startsAt: string; endsAt: string; allDay: boolean; timezone: string; url: string | null } | null;
  venueName?: string | null;
  staffName?: string | null;
  /** conflict.resolved: why. */
  resolution?: string | null;
  /** connection.needs_reauth. */
  connection?: { provider: string; accountEmail: string | null } | null;
}

const PROVIDER_NAMES: Record<string, string> = { google: 'Google Calendar', microsoft: 'Outlook', caldav: 'CalDAV / iCloud' };

/** Slack mrkdwn escapes (https://api.slack.com/reference/surfaces/formatting#escaping). */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "Tue 9 Mar 2027, 10:00–11:00 (Europe/Berlin)" in the venue's zone; all-day jobs by date. */
export function describeWhen(job: { startsAt: string; endsAt: string; allDay: boolean; timezone: string }): string {
  const start = DateTime.fromISO(job.startsAt, { zone: job.timezone });
  const end = DateTime.fromISO(job.endsAt, { zone: job.timezone });
  if (job.allDay) {
    const last = end.minus({ days: 1 });
    return last.hasSame(start, 'day') ? `${start.toFormat('ccc d LLL yyyy')} (all day)` : `${start.toFormat('ccc d LLL')} – ${last.toFormat('ccc d LLL yyyy')} (all day)`;
  }
  const endText = end.hasSame(start, 'day') ? end.toFormat('HH:mm') : end.toFormat('ccc d LLL HH:mm');
  return `${start.toFormat('ccc d LLL yyyy, HH:mm')}–${endText} (${job.timezone})`;
}

function jobRef(job: NonNullable<SlackTextInput['job']>): string {
  const title = esc(job.title.replace(/[|]/g, '/'));
  return job.url ? `<${job.url}|${title}>` : `“${title}”`;
}

/** The `text` of a Slack incoming-webhook message for one event. */
export function slackText(input: SlackTextInput): string {
  const staff = input.staffName ? esc(input.staffName) : 'A staff member';
  const at = input.venueName ? ` at ${esc(input.venueName)}` : '';
  const job = input.job;
  if (input.type === 'connection.needs_reauth') {
    const c = input.connection;
    const what = c ? `${PROVIDER_NAMES[c.provider] ?? c.provider}${c.accountEmail ? ` (${esc(c.accountEmail)})` : ''}` : 'calendar';
    return `:warning: ${staff}'s ${what} connection stopped working: the access was revoked or expired. Their jobs no longer reach that calendar and its busy times no longer block bookings until they reconnect it.`;
  }
  if (!job) return `${input.type}${at}`;
  const when = describeWhen(job);
  switch (input.type) {
    case 'job.created':
      return `New job ${jobRef(job)}${at}: ${when}`;
    case 'job.updated':
      return `Job ${jobRef(job)}${at} changed: ${when}`;
    case 'job.cancelled':
      return `:x: Job ${jobRef(job)}${at} (${when}) was cancelled`;
    case 'job.assigned':
      return `${staff} was assigned to ${jobRef(job)}${at}: ${when}`;
    case 'job.unassigned':
      return `${staff} was taken off ${jobRef(job)}${at} (${when})`;
    case 'booking.created':
      return `:calendar: New booking ${jobRef(job)}${at}: ${when}`;
    case 'booking.rescheduled':
      return `:calendar: Booking ${jobRef(job)}${at} moved to ${when}`;
    case 'booking.cancelled':
      return `:x: Booking ${jobRef(job)}${at} (${when}) was cancelled by the customer`;
    case 'conflict.opened':
      return `:warning: Conflict: ${staff} is busy in their own calendar during ${jobRef(job)}${at} (${when})`;
    case 'conflict.resolved':
      return `:white_check_mark: Conflict resolved${input.resolution ? ` (${esc(input.resolution.replace(/_/g, ' '))})` : ''}: ${staff} and ${jobRef(job)}${at} (${when})`;
    default:
      return `${esc(input.type)}: ${jobRef(job)}${at} (${when})`;
  }
}
