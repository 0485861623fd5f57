import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells every api process, at commit, which feed heads changed, so that each keeps the heads
 * (salt, versions, names, zone, expiry) of the feeds it serves in memory and answers an
 * unchanged poll without asking Postgres (libs/ical-feed, FeedHeadStore). Channel
 * `calbridge_feed_heads`, payload `s:<staff id>` (their schedule version, name or one of their
 * feeds changed) or `v:<venue id>` (a venue's name or zone changed). Postgres folds identical
 * notifications of one transaction into one and delivers them only if it commits.
 */
export class FeedHeadNotifications1795900000000 implements MigrationInterface {
  name = 'FeedHeadNotifications1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION feed_heads_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        row record;
      BEGIN
        IF TG_OP = 'DELETE' THEN row := OLD; ELSE row := NEW; END IF;
        IF TG_TABLE_NAME = 'venues' THEN
          PERFORM pg_notify('calbridge_feed_heads', 'v:' || row.id);
        ELSIF TG_TABLE_NAME = 'staff' THEN
          PERFORM pg_notify('calbridge_feed_heads', 's:' || row.id);
        ELSE
          PERFORM pg_notify('calbridge_feed_heads', 's:' || row.staff_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER staff_feed_heads_notify AFTER UPDATE ON staff
        FOR EACH ROW WHEN (OLD.schedule_version IS DISTINCT FROM NEW.schedule_version OR OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION feed_heads_notify()`);
    await q.query(`CREATE TRIGGER staff_feed_heads_notify_delete AFTER DELETE ON staff FOR EACH ROW EXECUTE FUNCTION feed_heads_notify()`);
    await q.query(`
      CREATE TRIGGER venues_feed_heads_notify AFTER UPDATE ON venues
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.timezone IS DISTINCT FROM NEW.timezone)
        EXECUTE FUNCTION feed_heads_notify()`);
    await q.query(`CREATE TRIGGER venues_feed_heads_notify_delete AFTER DELETE ON venues FOR EACH ROW EXECUTE FUNCTION feed_heads_notify()`);
    await q.query(`
      CREATE TRIGGER staff_feeds_heads_notify AFTER INSERT OR UPDATE OR DELETE ON staff_feeds
        FOR EACH ROW EXECUTE FUNCTION feed_heads_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS staff_feeds_heads_notify ON staff_feeds`);
    await q.query(`DROP TRIGGER IF EXISTS venues_feed_heads_notify_delete ON venues`);
    await q.query(`DROP TRIGGER IF EXISTS venues_feed_heads_notify ON venues`);
    await q.query(`DROP TRIGGER IF EXISTS staff_feed_heads_notify_delete ON staff`);
    await q.query(`DROP TRIGGER IF EXISTS staff_feed_heads_notify ON staff`);
    await q.query(`DROP FUNCTION IF EXISTS feed_heads_notify()`);
  }
}
