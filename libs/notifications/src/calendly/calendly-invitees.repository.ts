import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface CalendlyInviteeRow {
  inviteeUri: string;
  venueId: string;
  jobId: string | null;
  status: 'active' | 'canceled';
}

/** calendly_invitees: which job each Calendly invitee became (idempotency by invitee URI). */
@Injectable()
export class CalendlyInviteesRepository {
  /** Claims an invitee URI; false when it was already known (the caller then reads it with {@link lock}). */
  async claim(em: EntityManager, row: { inviteeUri: string; venueId: string; eventUri: string; status: 'active' | 'canceled' }): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO calendly_invitees (invitee_uri, venue_id, event_uri, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (invitee_uri) DO NOTHING RETURNING invitee_uri`,
      [row.inviteeUri, row.venueId, row.eventUri, row.status],
    );
    return rows.length > 0;
  }

  async lock(em: EntityManager, inviteeUri: string): Promise<CalendlyInviteeRow | null> {
    const rows = await em.query(`SELECT invitee_uri, venue_id, job_id, status FROM calendly_invitees WHERE invitee_uri = $1 FOR UPDATE`, [inviteeUri]);
    const r = rows[0];
    return r ? { inviteeUri: r.invitee_uri, venueId: r.venue_id, jobId: r.job_id, status: r.status } : null;
  }

  async setJob(em: EntityManager, inviteeUri: string, jobId: string): Promise<void> {
    await em.query(`UPDATE calendly_invitees SET job_id = $2, updated_at = now() WHERE invitee_uri = $1`, [inviteeUri, jobId]);
  }

  async markCanceled(em: EntityManager, inviteeUri: string): Promise<void> {
    await em.query(`UPDATE calendly_invitees SET status = 'canceled', updated_at = now() WHERE invitee_uri = $1`, [inviteeUri]);
  }
}
