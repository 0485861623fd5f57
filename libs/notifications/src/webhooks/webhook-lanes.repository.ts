import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A lane leased to this worker: one subscription's messages about one job (or other aggregate). */
export interface ClaimedLane {
  subscriptionId: string;
  laneKey: string;
  /** The lane's fan-out counter when it was claimed (see {@link LaneRelease.changes}). */
  changes: string;
  token: string;
}

/** A pending message of a claimed lane, with what its delivery needs. */
export interface LaneMessage {
  id: string;
  subscriptionId: string;
  laneKey: string;
  body: string;
  attempts: number;
  giveUpAt: Date;
  url: string;
  /** The subscription's signing secret, sealed (WebhookSecrets opens it). */
  secretSealed: string;
}

/** One delivery attempt, and where it leaves its message. */
export interface AttemptOutcome {
  messageId: string;
  subscriptionId: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseMs: number;
  /** Delivered, or given up; null: still pending (due again at `nextAttemptAt`). */
  finish: 'delivered' | 'failed' | null;
  nextAttemptAt: Date | null;
}

/** Where a lane goes when its worker lets go of it. */
export interface LaneRelease {
  lane: ClaimedLane;
  /** Its head failed and is retried then: the lane waits until then. */
  retryAt: Date | null;
  /** Pending messages may be left (the batch was full, or the worker is stopping): due again now. */
  more: boolean;
}

/**
 * Delivery state of outbound webhooks (tables of libs/notifications). Lanes are claimed with
 * `FOR UPDATE SKIP LOCKED` and leased: `lease_token` names the claim and `next_attempt_at` is
 * when the lease runs out (renewed while the worker lives), so the lane of a worker that died
 * is due again after at most one lease. Deadlock-prone row sets are touched in key order.
 */
@Injectable()
export class WebhookLanesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` due lanes, at most `perSubscription` in flight per live subscription
   * (counting every worker's live leases; subscriptions taken in random order so that none is
   * starved when `limit` binds), and reads the first `perLane` pending messages of each, in outbox
   * order, in the same statement. Each lane's `changes` is read in the statement's snapshot, the
   * one its messages come from: a fan-out that committed between that snapshot and the row lock
   * leaves the lane's counter ahead, so its release makes the lane due again (nothing is missed).
   */
  async claim(token: string, limit: number, perSubscription: number, leaseMs: number, perLane: number): Promise<Array<{ lane: ClaimedLane; messages: LaneMessage[] }>> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH busy AS (
         SELECT subscription_id, count(*)::int AS n FROM webhook_lanes
          WHERE lease_token IS NOT NULL AND next_attempt_at > now() GROUP BY subscription_id
       ), subs AS (
         SELECT s.id, coalesce(b.n, 0) AS n FROM webhook_subscriptions s LEFT JOIN busy b ON b.subscription_id = s.id
          WHERE s.deleted_at IS NULL AND coalesce(b.n, 0) < $3 ORDER BY random()
       ), picked AS (
         SELECT l.subscription_id, l.lane_key FROM subs
          CROSS JOIN LATERAL (
            SELECT l.subscription_id, l.lane_key FROM webhook_lanes l
             WHERE l.subscription_id = subs.id AND l.next_attempt_at <= now()
             ORDER BY l.next_attempt_at LIMIT $3 - subs.n
             FOR UPDATE SKIP LOCKED
          ) l
          LIMIT $2
       ), claimed AS (
         UPDATE webhook_lanes l SET lease_token = $1, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
           FROM picked p WHERE l.subscription_id = p.subscription_id AND l.lane_key = p.lane_key
         RETURNING l.subscription_id, l.lane_key
       )
       SELECT c.subscription_id, c.lane_key,
              (SELECT x.changes::text FROM webhook_lanes x WHERE x.subscription_id = c.subscription_id AND x.lane_key = c.lane_key) AS changes,
              m.id, m.body, m.attempts, m.give_up_at, s.url, s.secret_sealed
         FROM claimed c
         JOIN webhook_subscriptions s ON s.id = c.subscription_id
         LEFT JOIN LATERAL (
           SELECT m.id, m.body, m.attempts, m.give_up_at, m.event_sequence FROM webhook_messages m
            WHERE m.subscription_id = c.subscription_id AND m.lane_key = c.lane_key AND m.status = 'pending'
            ORDER BY m.event_sequence, m.id LIMIT $5
         ) m ON true
        ORDER BY c.subscription_id, c.lane_key, m.event_sequence, m.id`,
      [token, limit, perSubscription, leaseMs, perLane],
    );
    const claimed = new Map<string, { lane: ClaimedLane; messages: LaneMessage[] }>();
    for (const r of rows) {
      const subscriptionId = r.subscription_id as string;
      const laneKey = r.lane_key as string;
      const key = `${subscriptionId}\n${laneKey}`;
      let entry = claimed.get(key);
      if (!entry) claimed.set(key, (entry = { lane: { subscriptionId, laneKey, changes: r.changes as string, token }, messages: [] }));
      if (r.id === null) continue;
      entry.messages.push({
        id: r.id as string,
        subscriptionId,
        laneKey,
        body: r.body as string,
        attempts: r.attempts as number,
        giveUpAt: r.give_up_at as Date,
        url: r.url as string,
        secretSealed: r.secret_sealed as string,
      });
    }
    return [...claimed.values()];
  }

  /**
   * Logs the attempts, moves their messages on and releases the lanes, in one statement. A lane
   * whose lease was lost meanwhile (another worker holds it now) is left alone; its messages'
   * outcomes still count (a delivered message stays delivered). A lane becomes idle only when
   * nothing was fanned into it since the claim (`changes` unchanged, read from the row as it is
   * when this statement gets to it) and no batch was cut short.
   */
  async record(outcomes: AttemptOutcome[], releases: LaneRelease[]): Promise<void> {
    const sorted = [...releases].sort((a, b) => byLane(a.lane, b.lane));
    await this.dataSource.query(
      `WITH attempt AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::bool[], $5::int[], $6::text[], $7::int[], $8::text[], $9::timestamptz[])
           AS a(message_id, subscription_id, attempt, ok, status_code, error, response_ms, finish, next_attempt_at)
       ), logged AS (
         INSERT INTO webhook_delivery_attempts (message_id, subscription_id, attempt, ok, status_code, error, response_ms)
         SELECT message_id, subscription_id, attempt, ok, status_code, error, response_ms FROM attempt
       ), moved AS (
         UPDATE webhook_messages m
            SET attempts = m.attempts + 1,
                status = coalesce(a.finish, m.status),
                finished_at = CASE WHEN a.finish IS NULL THEN m.finished_at ELSE now() END,
                next_attempt_at = coalesce(a.next_attempt_at, m.next_attempt_at)
           FROM attempt a WHERE m.id = a.message_id AND m.status = 'pending'
       )
       UPDATE webhook_lanes l
          SET lease_token = NULL,
              next_attempt_at = CASE WHEN r.retry_at IS NOT NULL THEN r.retry_at
                                     WHEN r.more OR l.changes <> r.changes THEN now()
                                     ELSE NULL END
         FROM unnest($10::uuid[], $11::text[], $12::bigint[], $13::bool[], $14::timestamptz[], $15::uuid[])
           AS r(subscription_id, lane_key, changes, more, retry_at, token)
        WHERE l.subscription_id = r.subscription_id AND l.lane_key = r.lane_key AND l.lease_token = r.token`,
      [
        outcomes.map((o) => o.messageId),
        outcomes.map((o) => o.subscriptionId),
        outcomes.map((o) => o.attempt),
        outcomes.map((o) => o.ok),
        outcomes.map((o) => o.statusCode),
        outcomes.map((o) => o.error),
        outcomes.map((o) => o.responseMs),
        outcomes.map((o) => o.finish),
        outcomes.map((o) => o.nextAttemptAt),
        sorted.map((r) => r.lane.subscriptionId),
        sorted.map((r) => r.lane.laneKey),
        sorted.map((r) => r.lane.changes),
        sorted.map((r) => r.more),
        sorted.map((r) => r.retryAt),
        sorted.map((r) => r.lane.token),
      ],
    );
  }

  /** Extends the leases of these claims (the worker holding them is alive). */
  async renew(tokens: string[], leaseMs: number): Promise<void> {
    if (!tokens.length) return;
    await this.dataSource.query(
      `UPDATE webhook_lanes SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000) WHERE lease_token = ANY($1::uuid[])`,
      [tokens, leaseMs],
    );
  }

  /** Forgets idle lanes with nothing pending (a fan-out racing with this sees the lane due and keeps it, or makes it anew). */
  async pruneIdle(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM webhook_lanes l WHERE l.next_attempt_at IS NULL AND l.lease_token IS NULL
          AND NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.subscription_id = l.subscription_id AND m.lane_key = l.lane_key AND m.status = 'pending')`,
    );
  }
}

/** Key order of lanes (uuid, then text: both compare as their lowercase hex here). */
function byLane(a: { subscriptionId: string; laneKey: string }, b: { subscriptionId: string; laneKey: string }): number {
  return a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : a.laneKey < b.laneKey ? -1 : a.laneKey > b.laneKey ? 1 : 0;
}
