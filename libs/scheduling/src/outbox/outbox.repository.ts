import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DomainEventMessage, NewDomainEvent } from './domain-events';

/** Postgres channel the relay LISTENs on; delivered at commit of the writing transaction. */
export const OUTBOX_CHANNEL = 'calbridge_outbox';

interface OutboxRow {
  id: string;
  uid: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  venue_ids: string[];
  payload: NewDomainEvent['payload'];
  occurred_at: Date;
}

@Injectable()
export class OutboxRepository {
  /** Appends events inside the caller's transaction and wakes the relay once it commits. */
  async append(em: EntityManager, events: NewDomainEvent[]): Promise<void> {
    if (!events.length) return;
    const values: unknown[] = [];
    const tuples = events.map((e, i) => {
      values.push(e.aggregateType, e.aggregateId, e.type, [...new Set(e.venueIds)], JSON.stringify(e.payload));
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::uuid[], $${b + 5}::jsonb)`;
    });
    await em.query(
      `INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, venue_ids, payload) VALUES ${tuples.join(', ')}`,
      values,
    );
    await em.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }

  /**
   * Locks up to `limit` unrelayed rows that no other relay holds, then keeps, per aggregate, only
   * the rows with no earlier unrelayed row outside this batch: events of one job are published in
   * order even with several relays running.
   */
  async claimBatch(em: EntityManager, limit: number): Promise<DomainEventMessage[]> {
    const rows: OutboxRow[] = await em.query(
      `SELECT id::text, uid, aggregate_type, aggregate_id, event_type, venue_ids, payload, occurred_at
         FROM outbox_events
        WHERE relayed_at IS NULL
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (!rows.length) return [];
    const maxId = rows[rows.length - 1].id;
    const aggregates = [...new Set(rows.map((r) => r.aggregate_id))];
    const pending: Array<{ aggregate_id: string; ids: string[] }> = await em.query(
      `SELECT aggregate_id, array_agg(id::text ORDER BY id) AS ids
         FROM outbox_events
        WHERE relayed_at IS NULL AND aggregate_id = ANY($1::uuid[]) AND id <= $2
        GROUP BY aggregate_id`,
      [aggregates, maxId],
    );
    const mine = new Set(rows.map((r) => r.id));
    const relayable = new Set<string>();
    for (const { ids } of pending) {
      for (const id of ids) {
        if (!mine.has(id)) break; // an earlier event of this job is held elsewhere: wait for it
        relayable.add(id);
      }
    }
    return rows
      .filter((r) => relayable.has(r.id))
      .map(
        (r) =>
          ({
            eventId: r.uid,
            sequence: r.id,
            type: r.event_type,
            aggregateType: r.aggregate_type,
            aggregateId: r.aggregate_id,
            venueIds: r.venue_ids,
            payload: r.payload,
            occurredAt: new Date(r.occurred_at).toISOString(),
          }) as DomainEventMessage,
      );
  }

  /** Marks rows relayed by their sequence (the outbox row id). */
  async markRelayed(em: EntityManager, sequences: string[]): Promise<void> {
    if (!sequences.length) return;
    await em.query(`UPDATE outbox_events SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [sequences]);
  }

  /**
   * Deletes relayed rows older than the retention period and raises the prune mark to the highest
   * transaction id deleted (live streams resumed at or below it are reset); returns how many.
   */
  async prune(em: EntityManager, olderThanDays: number): Promise<number> {
    const [row] = await em.query(
      `WITH gone AS (
         DELETE FROM outbox_events WHERE relayed_at IS NOT NULL AND relayed_at < now() - make_interval(days => $1)
         RETURNING xid
       ), mark AS (
         INSERT INTO outbox_prune_mark (singleton, pruned_through)
         SELECT true, max(xid) FROM gone HAVING count(*) > 0
         ON CONFLICT (singleton) DO UPDATE
           SET pruned_through = greatest(outbox_prune_mark.pruned_through, excluded.pruned_through), pruned_at = now()
       )
       SELECT count(*)::int AS n FROM gone`,
      [olderThanDays],
    );
    return row.n;
  }

  async countPending(em: EntityManager): Promise<number> {
    const [row] = await em.query(`SELECT count(*)::int AS n FROM outbox_events WHERE relayed_at IS NULL`);
    return row.n;
  }

  /** Events not yet relayed and the age of the oldest of them (seconds). */
  async lag(em: EntityManager): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = await em.query(
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float AS age
         FROM outbox_events WHERE relayed_at IS NULL`,
    );
    return { pending: row.n, oldestSeconds: Math.round(row.age) };
  }
}
