import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meeting links (issue 12, item 3): a job's remote part names where its link comes from
 * (`url`: given by the dispatcher; `google_meet` / `teams`: created by the calendar the job is
 * pushed to) and, for created links, how far the request got and why it failed. Jobs that
 * already carry a link keep it as a fixed `url`.
 */
export class JobMeetingLinks1796500000000 implements MigrationInterface {
  name = 'JobMeetingLinks1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE jobs
        ADD COLUMN remote_provider text CHECK (remote_provider IN ('url', 'google_meet', 'teams')),
        ADD COLUMN meeting_status text CHECK (meeting_status IN ('requested', 'pending', 'created', 'unavailable')),
        ADD COLUMN meeting_note text,
        ADD CONSTRAINT jobs_meeting_status_needs_provider
          CHECK (meeting_status IS NULL OR remote_provider IN ('google_meet', 'teams'))`);
    await q.query(`UPDATE jobs SET remote_provider = 'url' WHERE remote_url IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE jobs
        DROP CONSTRAINT jobs_meeting_status_needs_provider,
        DROP COLUMN meeting_note,
        DROP COLUMN meeting_status,
        DROP COLUMN remote_provider`);
  }
}
