import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox events for several consumers (venue ids for routing, a random id per row that stays
 * unique across databases and restores), the deployment's identity (bound to the queue prefix at
 * boot), and the venues a customer belongs to.
 */
export class OutboxConsumers1795600000000 implements MigrationInterface {
  name = 'OutboxConsumers1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ADD COLUMN venue_ids uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE outbox_events ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`
      UPDATE outbox_events SET venue_ids = ARRAY[(payload->>'venueId')::uuid]
       WHERE aggregate_type = 'job' AND payload ? 'venueId'`);
    await q.query(`CREATE INDEX outbox_events_venue_ids_idx ON outbox_events USING gin (venue_ids)`);

    await q.query(`
      CREATE TABLE deployment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        singleton boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO deployment DEFAULT VALUES`);

    await q.query(`
      CREATE TABLE customer_venues (
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, venue_id)
      )`);
    await q.query(`CREATE INDEX customer_venues_venue_idx ON customer_venues (venue_id, customer_id)`);
    await q.query(`
      INSERT INTO customer_venues (customer_id, venue_id)
      SELECT DISTINCT customer_id, venue_id FROM jobs WHERE customer_id IS NOT NULL`);
    await q.query(`CREATE INDEX customers_email_idx ON customers (lower(email)) WHERE email IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS customers_email_idx`);
    await q.query(`DROP TABLE IF EXISTS customer_venues`);
    await q.query(`DROP TABLE IF EXISTS deployment`);
    await q.query(`DROP INDEX IF EXISTS outbox_events_venue_ids_idx`);
    await q.query(`ALTER TABLE outbox_events DROP COLUMN IF EXISTS uid`);
    await q.query(`ALTER TABLE outbox_events DROP COLUMN IF EXISTS venue_ids`);
  }
}
