import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deactivating a staff member (admin pages): they keep their history, jobs and feeds, but leave
 * the board's lanes, cannot be assigned new jobs and are not offered for self-booking.
 */
export class StaffActive1796200000001 implements MigrationInterface {
  name = 'StaffActive1796200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff ADD COLUMN active boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff DROP COLUMN IF EXISTS active`);
  }
}
