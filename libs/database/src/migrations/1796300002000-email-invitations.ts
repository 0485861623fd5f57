import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email invitations (notifications' own tables): the per-venue switch and per-staff opt-in, what
 * each recipient was last sent about a job (so a change is mailed once, with a growing
 * SEQUENCE), and the emails themselves (rendered once, sent by the worker, retried on SMTP
 * failure; one row per job, recipient, method and sequence: the idempotency key of a change).
 */
export class EmailInvitations1796300002000 implements MigrationInterface {
  name = 'EmailInvitations1796300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_venue_settings (
        venue_id uuid PRIMARY KEY REFERENCES venues(id) ON DELETE CASCADE,
        email_invitations boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE notification_staff_settings (
        staff_id uuid PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
        email_invitations boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE email_invitation_state (
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        recipient text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('customer', 'staff')),
        method text NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
        sequence integer NOT NULL,
        content_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, recipient)
      )`);
    await q.query(`
      CREATE TABLE email_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        recipient text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('customer', 'staff')),
        method text NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
        sequence integer NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        ics text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT email_messages_once UNIQUE (job_id, recipient, method, sequence)
      )`);
    await q.query(`CREATE INDEX email_messages_pending_idx ON email_messages (created_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['email_messages', 'email_invitation_state', 'notification_staff_settings', 'notification_venue_settings']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
