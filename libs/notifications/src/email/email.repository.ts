import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SentInvitation } from './invitation-rules';

export interface NewEmail {
  jobId: string;
  recipient: string;
  kind: 'customer' | 'staff';
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  subject: string;
  text: string;
  html: string;
  ics: string;
}

export interface StoredEmail extends NewEmail {
  id: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

/** Notifications' email tables: settings, what each recipient was last sent, the emails. */
@Injectable()
export class EmailRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises invitation decisions about one job. */
  async lockJob(em: EntityManager, jobId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`email-invitations:${jobId}`]);
  }

  async venueEnabled(venueId: string, em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = await em.query(`SELECT email_invitations FROM notification_venue_settings WHERE venue_id = $1`, [venueId]);
    return rows[0]?.email_invitations ?? true;
  }

  async setVenueEnabled(venueId: string, enabled: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_venue_settings (venue_id, email_invitations) VALUES ($1, $2)
       ON CONFLICT (venue_id) DO UPDATE SET email_invitations = EXCLUDED.email_invitations, updated_at = now()`,
      [venueId, enabled],
    );
  }

  async staffOptedIn(staffIds: string[], em: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    if (!staffIds.length) return new Set();
    const rows: Array<{ staff_id: string }> = await em.query(
      `SELECT staff_id FROM notification_staff_settings WHERE staff_id = ANY($1::uuid[]) AND email_invitations`,
      [staffIds],
    );
    return new Set(rows.map((r) => r.staff_id));
  }

  async setStaffOptIn(staffId: string, enabled: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_staff_settings (staff_id, email_invitations) VALUES ($1, $2)
       ON CONFLICT (staff_id) DO UPDATE SET email_invitations = EXCLUDED.email_invitations, updated_at = now()`,
      [staffId, enabled],
    );
  }

  async sentState(em: EntityManager, jobId: string): Promise<Map<string, SentInvitation & { kind: 'customer' | 'staff' }>> {
    const rows = await em.query(`SELECT recipient, kind, method, sequence, content_hash FROM email_invitation_state WHERE job_id = $1`, [jobId]);
    return new Map(
      rows.map((r: Record<string, unknown>) => [
        r.recipient as string,
        { kind: r.kind as 'customer' | 'staff', method: r.method as 'REQUEST' | 'CANCEL', sequence: r.sequence as number, contentHash: r.content_hash as string },
      ]),
    );
  }

  /** Records an email and the recipient's new state; returns the email's id (null when this change was already recorded). */
  async record(em: EntityManager, email: NewEmail, contentHash: string): Promise<string | null> {
    const rows = await em.query(
      `INSERT INTO email_messages (job_id, recipient, kind, method, sequence, subject, text_body, html_body, ics)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT email_messages_once DO NOTHING RETURNING id`,
      [email.jobId, email.recipient, email.kind, email.method, email.sequence, email.subject, email.text, email.html, email.ics],
    );
    await em.query(
      `INSERT INTO email_invitation_state (job_id, recipient, kind, method, sequence, content_hash) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (job_id, recipient) DO UPDATE SET kind = EXCLUDED.kind, method = EXCLUDED.method, sequence = EXCLUDED.sequence,
              content_hash = EXCLUDED.content_hash, updated_at = now()`,
      [email.jobId, email.recipient, email.kind, email.method, email.sequence, contentHash],
    );
    return rows[0]?.id ?? null;
  }

  async find(id: string): Promise<StoredEmail | null> {
    const rows = await this.dataSource.query(
      `SELECT id, job_id, recipient, kind, method, sequence, subject, text_body, html_body, ics, status, attempts FROM email_messages WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      jobId: r.job_id,
      recipient: r.recipient,
      kind: r.kind,
      method: r.method,
      sequence: r.sequence,
      subject: r.subject,
      text: r.text_body,
      html: r.html_body,
      ics: r.ics,
      status: r.status,
      attempts: r.attempts,
    };
  }

  async markSent(id: string, attempts: number): Promise<void> {
    await this.dataSource.query(`UPDATE email_messages SET status = 'sent', attempts = $2, sent_at = now(), last_error = NULL WHERE id = $1`, [id, attempts]);
  }

  async markAttempt(id: string, attempts: number, error: string, failed: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE email_messages SET attempts = $2, last_error = $3, status = CASE WHEN $4 THEN 'failed' ELSE status END WHERE id = $1`, [
      id,
      attempts,
      error.slice(0, 500),
      failed,
    ]);
  }

  /** Pending emails older than `graceMs` (their task was lost): to be queued again. */
  async stalePending(graceMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM email_messages WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000) ORDER BY created_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => r.id);
  }
}
