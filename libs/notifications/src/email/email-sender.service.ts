import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createTransport, Transporter } from 'nodemailer';
import { notificationsConfig } from '../notifications.config';
import { EmailRepository } from './email.repository';

/**
 * Sends recorded emails over SMTP (nodemailer): plain text, HTML and the invitation as a
 * `text/calendar; method=…` alternative (plus the same as `invite.ics`). The Message-ID is derived
 * from the email's id, so a retry after an SMTP failure is recognisable as the same message.
 */
@Injectable()
export class EmailSenderService implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailSenderService.name);
  private transport?: Transporter;

  constructor(
    private readonly emails: EmailRepository,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
  ) {}

  private transporter(): Transporter {
    if (!this.config.email.smtpUrl) throw new Error('SMTP_URL is not set');
    this.transport ??= createTransport(`${this.config.email.smtpUrl}${this.config.email.smtpUrl.includes('?') ? '&' : '?'}pool=true&maxConnections=4`);
    return this.transport;
  }

  /** One attempt; throws on SMTP failure (the queue retries). `attempt` counts from 1. */
  async send(emailId: string, attempt: number, lastAttempt: boolean): Promise<void> {
    const email = await this.emails.find(emailId);
    if (!email || email.status !== 'pending') return;
    const domain = this.config.email.from.address.split('@')[1] ?? 'calbridge';
    try {
      await this.transporter().sendMail({
        from: this.config.email.from.name ? { name: this.config.email.from.name, address: this.config.email.from.address } : this.config.email.from.address,
        to: email.recipient,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${email.id}@${domain}>`,
        icalEvent: { method: email.method, filename: email.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: email.ics },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.emails.markAttempt(email.id, attempt, message, lastAttempt);
      this.logger.warn({ emailId: email.id, attempt, err: message }, lastAttempt ? 'Email given up' : 'Email not sent; will retry');
      throw error;
    }
    await this.emails.markSent(email.id, attempt);
  }

  async sweep(): Promise<string[]> {
    return this.emails.stalePending(15 * 60_000, 1000);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
