import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook delivery lanes: one row per (subscription, job or other aggregate) that has had a
 * message. Delivery claims lanes, not messages: a due lane is leased (`lease_token`, its
 * `next_attempt_at` moved to when the lease runs out, renewed while the worker is alive), its
 * pending messages are sent in order, and the lane is released (due again now, at its head's
 * retry time, or idle = NULL). `changes` is bumped by every fan-out into the lane, so a release
 * racing with a new message never leaves the lane idle with work in it.
 */
export class WebhookLanes1796600000000 implements MigrationInterface {
  name = 'WebhookLanes1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_lanes (
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        lane_key text NOT NULL,
        next_attempt_at timestamptz,
        lease_token uuid,
        changes bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (subscription_id, lane_key)
      )`);
    await q.query(`CREATE INDEX webhook_lanes_due_idx ON webhook_lanes (subscription_id, next_attempt_at) WHERE next_attempt_at IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_lanes_lease_idx ON webhook_lanes (lease_token) WHERE lease_token IS NOT NULL`);
    // Lanes of the messages still owed, due when their head is.
    await q.query(`
      INSERT INTO webhook_lanes (subscription_id, lane_key, next_attempt_at)
      SELECT DISTINCT ON (subscription_id, lane_key) subscription_id, lane_key, next_attempt_at
        FROM webhook_messages WHERE status = 'pending'
       ORDER BY subscription_id, lane_key, event_sequence, id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_lanes`);
  }
}
