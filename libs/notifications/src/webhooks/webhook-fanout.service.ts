import { DomainEventMessage, JobsRepository, JobView, StaffRepository, toJobView, VenuesRepository } from '@calbridge/scheduling';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { notificationsConfig } from '../notifications.config';
import { slackText } from './slack-text';
import { webhookEventType } from './webhook-events';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Turns one committed outbox event into a message per interested subscription (its body fixed
 * now, so every retry sends the same bytes) and makes their lanes due. Idempotent: an event the
 * relay publishes again adds no message.
 */
@Injectable()
export class WebhookFanoutService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly delivery: WebhookDeliveryService,
    private readonly jobs: JobsRepository,
    private readonly staff: StaffRepository,
    private readonly venues: VenuesRepository,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {}

  async onEvent(event: DomainEventMessage): Promise<void> {
    const type = webhookEventType(event);
    if (!type) return;
    const subscribers = await this.webhooks.subscribersOf(type, event.venueIds);
    if (!subscribers.length) return;

    const payload = event.payload as unknown as Record<string, unknown>;
    const jobId = typeof payload.jobId === 'string' ? payload.jobId : null;
    const staffId = typeof payload.staffId === 'string' ? payload.staffId : null;
    const job = jobId ? await this.jobView(jobId) : null;
    const isConnection = event.type === 'connection.needs_reauth';
    const wantsSlack = subscribers.some((s) => s.format === 'slack');
    // The venue's name is only said in Slack lines.
    const [staff, venue] = await Promise.all([
      staffId ? this.staff.findWithVenues(staffId) : null,
      job && wantsSlack ? this.venues.findById(job.venueId) : null,
    ]);
    const { affectedStaffIds: _internal, ...published } = payload;
    const data = {
      eventId: event.eventId,
      ...published,
      ...(jobId ? { job } : {}),
      // Who lost the grant (staff are the platform's own people; customers never appear here).
      ...(isConnection && staff ? { staff: { id: staff.staff.id, name: staff.staff.name, email: staff.staff.email } } : {}),
    };
    const standard = JSON.stringify({ type, timestamp: event.occurredAt, data });

    let slack = '';
    if (wantsSlack) {
      const text = slackText({
        type,
        job: job && {
          title: job.title,
          startsAt: job.startsAt,
          endsAt: job.endsAt,
          allDay: job.allDay,
          timezone: job.timezone,
          url: this.config.platformJobUrl.replace('{jobId}', job.id),
        },
        venueName: venue?.name,
        staffName: staff?.staff.name,
        resolution: typeof payload.resolution === 'string' ? payload.resolution : null,
        connection: isConnection ? { provider: String(payload.provider), accountEmail: (payload.accountEmail as string | null) ?? null } : null,
      });
      slack = JSON.stringify({ text });
    }

    const giveUpAt = new Date(Date.now() + this.config.webhooks.retryWindowMs);
    const added = await this.webhooks.insertMessages(
      subscribers.map((s) => ({
        subscriptionId: s.id,
        eventId: event.eventId,
        eventSequence: event.sequence,
        eventType: type,
        // Per subscription, one job's events go out one at a time, in order.
        laneKey: jobId ?? event.aggregateId,
        body: s.format === 'slack' ? slack : standard,
        giveUpAt,
      })),
    );
    // This worker's deliveries start now; other workers find the lanes at their next poll.
    if (added) this.delivery.kick();
  }

  private async jobView(jobId: string): Promise<JobView | null> {
    const [record] = await this.jobs.records([jobId]);
    return record ? toJobView(record) : null;
  }
}
