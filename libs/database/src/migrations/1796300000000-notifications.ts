import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications' own tables: outbound webhook subscriptions (admin-managed), the messages owed to
 * each (one per event and subscription, with the exact body every retry re-sends under the same
 * `webhook-id`), and the log of delivery attempts (status, response time).
 */
export class Notifications1796300000000 implements MigrationInterface {
  name = 'Notifications1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        venue_ids uuid[] NOT NULL DEFAULT '{}',
        format text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'slack')),
        secret text NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_subscriptions_live_idx ON webhook_subscriptions (created_at) WHERE deleted_at IS NULL`);

    // One row per (subscription, event). lane_key orders deliveries: per subscription, one job (or
    // other aggregate) at a time, in outbox order (event_sequence).
    await q.query(`
      CREATE TABLE webhook_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_sequence bigint NOT NULL,
        event_type text NOT NULL,
        lane_key text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        give_up_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT webhook_messages_once UNIQUE (subscription_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_messages_lane_idx ON webhook_messages (subscription_id, lane_key, event_sequence) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX webhook_messages_due_idx ON webhook_messages (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_messages_finished_idx ON webhook_messages (finished_at) WHERE finished_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES webhook_messages(id) ON DELETE CASCADE,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        status_code integer,
        error text,
        ok boolean NOT NULL,
        response_ms integer NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_subscription_idx ON webhook_delivery_attempts (subscription_id, id DESC)`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_message_idx ON webhook_delivery_attempts (message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_delivery_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhook_messages`);
    await q.query(`DROP TABLE IF EXISTS webhook_subscriptions`);
  }
}
