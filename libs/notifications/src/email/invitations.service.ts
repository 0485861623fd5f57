import { CustomersRepository, DomainEventMessage, JobsRepository, redactedClientName, StaffRepository, VenuesRepository } from '@calbridge/scheduling';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Queue } from 'bullmq';
import { notificationsConfig } from '../notifications.config';
import { EMAIL_QUEUE } from '../queues/notification-queues';
import { describeWhen } from '../webhooks/slack-text';
import { renderInvitationEmail } from './email-templates';
import { EmailRepository } from './email.repository';
import { decideInvitation, invitationCalendar, InvitationJob, InvitationRecipient } from './invitation-rules';

/**
 * Email invitations: after any change to a job, works out what each person who should hold (or
 * held) the invitation must be sent — a REQUEST, an updated REQUEST (same UID, higher SEQUENCE) or
 * a CANCEL — renders it (template and the shared iCalendar codec) and records it with the
 * recipient's new state in one transaction, serialised per job. Re-processing the same change
 * finds nothing new to send: one email per change and recipient.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly emails: EmailRepository,
    private readonly jobs: JobsRepository,
    private readonly customers: CustomersRepository,
    private readonly staff: StaffRepository,
    private readonly venues: VenuesRepository,
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {}

  get enabled(): boolean {
    return this.config.email.smtpUrl !== null;
  }

  async onEvent(event: DomainEventMessage): Promise<void> {
    if (!this.enabled || event.aggregateType !== 'job') return;
    const jobId = (event.payload as { jobId?: string }).jobId;
    if (!jobId) return;
    const ids = await this.emails.transaction(async (em) => {
      await this.emails.lockJob(em, jobId);
      const [record] = await this.jobs.records([jobId], em);
      if (!record) return [];
      const { job } = record;
      const venue = await this.venues.findById(job.venueId, em);
      if (!venue) return [];
      const venueOn = await this.emails.venueEnabled(job.venueId, em);
      const state = await this.emails.sentState(em, jobId);

      const recipients = new Map<string, InvitationRecipient>();
      const customer = job.customerId ? await this.customers.findById(job.customerId, em) : null;
      if (customer?.email) {
        recipients.set(customer.email.toLowerCase(), { email: customer.email, name: `${customer.firstName} ${customer.lastName}`.trim(), kind: 'customer', wanted: venueOn });
      }
      const staffIds = record.assignments.map((a) => a.staffId);
      const optedIn = await this.emails.staffOptedIn(staffIds, em);
      for (const staffId of optedIn) {
        const member = await this.staff.findWithVenues(staffId, em);
        if (member) recipients.set(member.staff.email.toLowerCase(), { email: member.staff.email, name: member.staff.name, kind: 'staff', wanted: venueOn });
      }
      // Whoever held the invitation and is no longer on the job is told it is off.
      for (const [address, last] of state) {
        if (!recipients.has(address)) recipients.set(address, { email: address, name: address, kind: last.kind, wanted: false });
      }

      const invitationJob: InvitationJob = {
        id: job.id,
        version: job.version,
        status: job.status,
        title: job.title,
        service: job.service,
        location: job.location,
        remoteUrl: job.remoteUrl,
        startsAt: job.startsAt,
        endsAt: job.endsAt,
        allDay: job.allDay,
        timezone: record.timezone,
        venueName: venue.name,
      };
      const now = new Date();
      const recorded: string[] = [];
      for (const [address, recipient] of recipients) {
        const decision = decideInvitation(invitationJob, recipient, state.get(address) ?? null, now);
        if (!decision) continue;
        const what = job.service ?? job.title;
        const forStaff = recipient.kind === 'staff';
        const clientName = forStaff && customer ? redactedClientName(customer.firstName, customer.lastName) : null;
        const jobUrl = forStaff ? this.config.platformJobUrl.replace('{jobId}', job.id) : null;
        const mail = renderInvitationEmail({
          greetingName: forStaff ? recipient.name : (customer?.firstName ?? recipient.name),
          what,
          venueName: venue.name,
          when: describeWhen({ ...invitationJob, startsAt: invitationJob.startsAt.toISOString(), endsAt: invitationJob.endsAt.toISOString() }),
          location: job.location,
          joinUrl: job.remoteUrl,
          cancel: decision.method === 'CANCEL',
          update: decision.update,
          forStaff,
          clientName,
          jobUrl,
        });
        const summary = forStaff && clientName ? `${what} — ${clientName}` : `${what} (${venue.name})`;
        const description = [job.remoteUrl ? `Join: ${job.remoteUrl}` : null, jobUrl ? `Details: ${jobUrl}` : null].filter(Boolean).join('\n');
        const ics = invitationCalendar(invitationJob, decision, recipient, { summary, description }, this.config.email.from, now);
        const id = await this.emails.record(
          em,
          { jobId: job.id, recipient: address, kind: recipient.kind, method: decision.method, sequence: decision.sequence, ...mail, ics },
          decision.contentHash,
        );
        if (id) recorded.push(id);
      }
      return recorded;
    });
    await this.enqueue(ids);
  }

  async enqueue(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.queue.addBulk(
      ids.map((id) => ({
        name: 'email.send',
        data: { emailId: id },
        opts: {
          jobId: id,
          attempts: this.config.email.maxAttempts,
          backoff: { type: 'exponential', delay: this.config.email.backoffBaseMs },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}
