import { MeetingLinksService } from '@calbridge/scheduling';
import { Injectable, Logger } from '@nestjs/common';
import type { CalendarProvider, ConferenceRequest, MeetingOutcome, OutboundEvent } from '../providers/calendar-provider';
import { PushedEventsRepository } from './pushed-events.repository';

/** How often a meeting the provider is still creating is looked at again, at most. */
const MAX_RECHECKS = 6;
const RECHECK_BASE_MS = 30_000;

const LABELS: Record<ConferenceRequest['provider'], string> = { google_meet: 'Google Meet links', teams: 'Microsoft Teams meetings' };

/**
 * The push's side of meeting links (jobs with `remote.provider` google_meet / teams and no
 * link yet): a provider that cannot create that kind of meeting gets the event without the
 * request, and the job says why; what the provider answered is recorded on the job through
 * scheduling (never written here); a meeting still being created is looked at again later.
 */
@Injectable()
export class PushMeetings {
  private readonly logger = new Logger(PushMeetings.name);

  constructor(
    private readonly meetings: MeetingLinksService,
    private readonly ledger: PushedEventsRepository,
  ) {}

  /** The event as this provider can take it, and the outcome already known when it cannot create the meeting. */
  fit(provider: CalendarProvider, event: OutboundEvent): { event: OutboundEvent; outcome: MeetingOutcome | null } {
    const conference = event.conference;
    if (!conference || (provider.capabilities.meetings ?? []).includes(conference.provider)) return { event, outcome: null };
    return {
      event: { ...event, conference: null },
      outcome: { status: 'unavailable', reason: `${provider.displayName} cannot create ${LABELS[conference.provider]}` },
    };
  }

  /** Records the outcome on the job; a pending meeting is looked at again (bounded), then given up. */
  async settle(
    target: { connectionId: string; jobId: string; attempts: number },
    conference: ConferenceRequest,
    outcome: MeetingOutcome | undefined,
  ): Promise<void> {
    let result: MeetingOutcome = outcome ?? { status: 'unavailable', reason: 'The calendar answered without the meeting' };
    if (result.status === 'pending') {
      if (target.attempts < MAX_RECHECKS) {
        await this.ledger.recheckLater(target.connectionId, target.jobId, target.attempts + 1, RECHECK_BASE_MS * 2 ** target.attempts);
      } else {
        result = { status: 'unavailable', reason: 'The calendar did not finish creating the meeting' };
      }
    }
    const changed = await this.meetings.record(target.jobId, { provider: conference.provider, ...result });
    if (changed) this.logger.log({ jobId: target.jobId, connectionId: target.connectionId, meeting: result.status }, 'Meeting link state recorded');
  }
}
