import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { notificationsConfig } from '../notifications.config';
import { EMAIL_QUEUE, EmailJob } from '../queues/notification-queues';
import { EmailSenderService } from './email-sender.service';
import { InvitationsService } from './invitations.service';

/** Sends invitation emails (retried with back-off on SMTP failure) and re-queues lost ones. */
@Processor(EMAIL_QUEUE)
export class EmailProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sender: EmailSenderService,
    private readonly invitations: InvitationsService,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.email.workerConcurrency;
  }

  async process(job: Job<EmailJob['data'], unknown, EmailJob['name']>): Promise<void> {
    switch (job.name) {
      case 'email.send': {
        const attempt = job.attemptsMade + 1;
        return this.sender.send((job.data as { emailId: string }).emailId, attempt, attempt >= (job.opts.attempts ?? 1));
      }
      case 'email.sweep':
        return this.invitations.enqueue(await this.sender.sweep());
      default:
        throw new UnrecoverableError(`${EmailProcessor.name} has no handler for job "${String(job.name)}"`);
    }
  }
}
