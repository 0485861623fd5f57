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

  /**
   * Records the outcome on the job, before the mapping is written: should that fail, the row
   * stays due and the next attempt (the same request, adopted or ignored by the provider) reports
   * again. True when the meeting is still being created and the event is to be looked at again.
   */
  async settle(target: { jobId: string; attempts: number }, conference: ConferenceRequest, outcome: MeetingOutcome | undefined): Promise<boolean> {
    let result: MeetingOutcome = outcome ?? { status: 'unavailable', reason: 'The calendar answered without the meeting' };
    const recheck = result.status === 'pending' && target.attempts < MAX_RECHECKS;
    if (result.status === 'pending' && !recheck) result = { status: 'unavailable', reason: 'The calendar did not finish creating the meeting' };
    const changed = await this.meetings.record(target.jobId, { provider: conference.provider, request: conference.token, ...result });
    if (changed) this.logger.log({ jobId: target.jobId, meeting: result.status }, 'Meeting link state recorded');
    return recheck;
  }

  /** After the mapping: the event is written again later (bounded, doubling delays). */
  recheckLater(target: { connectionId: string; jobId: string; attempts: number }): Promise<void> {
    return this.ledger.recheckLater(target.connectionId, target.jobId, target.attempts + 1, RECHECK_BASE_MS * 2 ** target.attempts);
  }
}
