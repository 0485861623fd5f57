import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far the outbox has been pruned: the highest transaction id among deleted rows. A live
 * stream resumed from a cursor at or below it may have missed pruned events and must be told to
 * read everything again (`reset`); a cursor above it missed nothing, however young the outbox is.
 * Comparing with the oldest row still kept (what the stream did before) reset clients of a young
 * or idle outbox and missed real prunes while older rows were kept.
 */
export class OutboxPruneMark1797100000000 implements MigrationInterface {
  name = 'OutboxPruneMark1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE outbox_prune_mark (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         pruned_through xid8 NOT NULL,
         pruned_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_prune_mark`);
  }
}
