import { ApiError, isPgError, PG_EXCLUSION_VIOLATION } from '@calbridge/core';
import { CustomerJobsService, CustomersService, JobsRepository, StaffRepository, systemActor, VenuesRepository } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notificationsConfig } from '../notifications.config';
import { CalendlyInvitee, calendlyWebhookSchema, parseCalendlyInvitee } from './calendly-payload';
import { calendlySignatureProblem } from './calendly-signature';
import { CalendlyInviteesRepository } from './calendly-invitees.repository';

export interface CalendlyOutcome {
  /** `created` / `canceled`: done now; `duplicate`: seen before, nothing changed; `ignored`: not an invitee event. */
  status: 'created' | 'canceled' | 'duplicate' | 'ignored';
  jobId: string | null;
  /** The staff member the job was assigned to (the Calendly host, matched by email). */
  staffId?: string | null;
}

const ACTOR = systemActor('calendly');

/**
 * Calendly bookings in: `invitee.created` becomes a confirmed job (customer found by email in the
 * venue or created, the event type as service, assigned when the host's email is a staff member's
 * of the venue), `invitee.canceled` cancels it — idempotently by invitee URI. Every change goes
 * through scheduling's services (audit, outbox, conflicts as for any job).
 */
@Injectable()
export class CalendlyService {
  private readonly logger = new Logger(CalendlyService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invitees: CalendlyInviteesRepository,
    private readonly customers: CustomersService,
    private readonly customerJobs: CustomerJobsService,
    private readonly jobs: JobsRepository,
    private readonly staff: StaffRepository,
    private readonly venues: VenuesRepository,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {}

  async receive(venueId: string, signature: string | undefined, rawBody: Buffer | undefined): Promise<CalendlyOutcome> {
    const { signingKey, toleranceSeconds } = this.config.calendly;
    if (!signingKey) throw ApiError.notFound('CALENDLY_NOT_CONFIGURED', 'Calendly is not set up here (CALENDLY_WEBHOOK_SIGNING_KEY)');
    if (!rawBody) throw ApiError.badRequest('INVALID_PAYLOAD', 'Calendly webhooks are JSON (Content-Type: application/json)');
    const problem = calendlySignatureProblem(signature, rawBody, signingKey, toleranceSeconds);
    if (problem) throw new ApiError(401, 'INVALID_SIGNATURE', `Calendly signature refused: ${problem}`);

    let envelope;
    try {
      envelope = calendlyWebhookSchema.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      throw ApiError.badRequest('INVALID_PAYLOAD', 'Not a Calendly webhook body ({event, payload})');
    }
    if (envelope.event !== 'invitee.created' && envelope.event !== 'invitee.canceled') return { status: 'ignored', jobId: null };
    const invitee = parseCalendlyInvitee(envelope.payload);
    if (typeof invitee === 'string') throw ApiError.badRequest('INVALID_PAYLOAD', invitee);
    if (!(await this.venues.findById(venueId))) throw ApiError.notFound('VENUE_NOT_FOUND', `Venue ${venueId} does not exist`);

    return envelope.event === 'invitee.created' ? this.created(venueId, invitee) : this.canceled(venueId, invitee);
  }

  private async created(venueId: string, invitee: CalendlyInvitee): Promise<CalendlyOutcome> {
    const host = invitee.hostEmail ? await this.staffByEmail(venueId, invitee.hostEmail) : null;
    try {
      return await this.createJob(venueId, invitee, host);
    } catch (error) {
      // The host is already booked then (two active jobs of one person never overlap): the booking
      // still stands in Calendly, so the job is kept, unassigned, for a dispatcher to sort out.
      if (!host || !isPgError(error, PG_EXCLUSION_VIOLATION)) throw error;
      this.logger.warn({ venueId, staffId: host }, 'Calendly booking overlaps another job of its host; created unassigned');
      return this.createJob(venueId, invitee, null);
    }
  }

  private createJob(venueId: string, invitee: CalendlyInvitee, staffId: string | null): Promise<CalendlyOutcome> {
    return this.dataSource.transaction(async (em) => {
      if (!(await this.invitees.claim(em, { inviteeUri: invitee.uri, venueId, eventUri: invitee.eventUri, status: 'active' }))) {
        const known = await this.invitees.lock(em, invitee.uri);
        return { status: 'duplicate', jobId: known?.jobId ?? null };
      }
      const { customer } = await this.customers.findOrCreateByEmail(em, venueId, {
        firstName: invitee.firstName,
        lastName: invitee.lastName,
        email: invitee.email,
        phone: null,
      });
      if (staffId) await this.customerJobs.lockStaff(em, [staffId]);
      const { jobId } = await this.customerJobs.createAssigned(em, ACTOR, {
        venueId,
        title: invitee.eventName,
        service: invitee.eventName,
        customerId: customer.id,
        startsAt: invitee.startsAt,
        endsAt: invitee.endsAt,
        staffId,
        location: invitee.location,
        remoteUrl: invitee.joinUrl,
      });
      await this.invitees.setJob(em, invitee.uri, jobId);
      return { status: 'created', jobId, staffId };
    });
  }

  private canceled(venueId: string, invitee: CalendlyInvitee): Promise<CalendlyOutcome> {
    return this.dataSource.transaction(async (em) => {
      // A cancellation that overtook its creation is remembered, so the late creation makes no job.
      if (await this.invitees.claim(em, { inviteeUri: invitee.uri, venueId, eventUri: invitee.eventUri, status: 'canceled' })) {
        return { status: 'canceled', jobId: null };
      }
      const known = (await this.invitees.lock(em, invitee.uri))!;
      if (known.status === 'canceled') return { status: 'duplicate', jobId: known.jobId };
      await this.invitees.markCanceled(em, invitee.uri);
      if (known.jobId) {
        const job = await this.jobs.lock(em, known.jobId);
        if (job && job.status !== 'cancelled') await this.customerJobs.cancel(em, ACTOR, known.jobId);
      }
      return { status: 'canceled', jobId: known.jobId };
    });
  }

  private async staffByEmail(venueId: string, email: string): Promise<string | null> {
    const staff = await this.staff.list([venueId]);
    return staff.find((s) => s.staff.email.toLowerCase() === email)?.staff.id ?? null;
  }
}
