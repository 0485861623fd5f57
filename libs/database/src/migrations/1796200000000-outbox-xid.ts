import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live updates (`GET /v1/venues/:id/stream`): each outbox row records the transaction that wrote
 * it. A reader that only takes rows whose transaction is older than its snapshot's xmin, in
 * (xid, id) order, never skips a row that commits later with a smaller id: every transaction
 * still running has an xid at or above that xmin, so its rows sort after the reader's cursor.
 */
export class OutboxXid1796200000000 implements MigrationInterface {
  name = 'OutboxXid1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX outbox_events_xid_idx ON outbox_events (xid, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS outbox_events_xid_idx`);
    await q.query(`ALTER TABLE outbox_events DROP COLUMN IF EXISTS xid`);
  }
}
