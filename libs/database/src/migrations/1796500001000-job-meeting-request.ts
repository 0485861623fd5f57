import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each time a job asks anew for a meeting (another provider, or again after the calendar could
 * not create one) it gets a fresh request token: the conference request id sent to Google is
 * the event key plus this token, since Google ignores a request id it has already seen.
 */
export class JobMeetingRequest1796500001000 implements MigrationInterface {
  name = 'JobMeetingRequest1796500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN meeting_request text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN meeting_request`);
  }
}
