import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * iCal feeds: one row per staff member per venue they belong to. The salt is part of every
 * signed URL of the feed; replacing it (regenerate) kills those URLs at once. The row goes with
 * the venue membership (leaving a venue kills its feed). `version` grows with every change of
 * the feed's own settings, so rendered feeds cached under the old settings are never served.
 */
export class IcalFeed1795400000000 implements MigrationInterface {
  name = 'IcalFeed1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_feeds (
        staff_id uuid NOT NULL,
        venue_id uuid NOT NULL,
        salt bytea NOT NULL CHECK (octet_length(salt) = 16),
        include_client_names boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        PRIMARY KEY (staff_id, venue_id),
        CONSTRAINT staff_feeds_membership_fkey FOREIGN KEY (staff_id, venue_id)
          REFERENCES staff_venues (staff_id, venue_id) ON DELETE CASCADE,
        CONSTRAINT staff_feeds_expiry_whole_seconds CHECK (expires_at = date_trunc('second', expires_at))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS staff_feeds`);
  }
}
