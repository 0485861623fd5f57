import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendly bookings received (notifications' own table): one row per Calendly invitee URI, so
 * that a redelivered `invitee.created` makes no second job and `invitee.canceled` finds its job.
 */
export class Calendly1796300001000 implements MigrationInterface {
  name = 'Calendly1796300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendly_invitees (
        invitee_uri text PRIMARY KEY CHECK (length(invitee_uri) BETWEEN 1 AND 500),
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        event_uri text,
        status text NOT NULL CHECK (status IN ('active', 'canceled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX calendly_invitees_job_idx ON calendly_invitees (job_id) WHERE job_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS calendly_invitees`);
  }
}
