import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rate limit is not a failure (issue 9, finding 2): connections count the rate limits they met
 * in a row apart from `failure_count`, so that throttling never turns a connection into `error`
 * and the back-off without a Retry-After grows with the throttling alone.
 */
export class SyncRateLimits1796400000000 implements MigrationInterface {
  name = 'SyncRateLimits1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_connections ADD COLUMN rate_limited_count integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_connections DROP COLUMN rate_limited_count`);
  }
}
