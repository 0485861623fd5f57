import { affectedOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { WebhookEventType, WebhookFormat } from './webhook-events';

export interface WebhookSubscription {
  id: string;
  url: string;
  events: WebhookEventType[];
  venueIds: string[];
  format: WebhookFormat;
  secret: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface NewWebhookMessage {
  subscriptionId: string;
  eventId: string;
  eventSequence: string;
  eventType: WebhookEventType;
  laneKey: string;
  body: string;
  giveUpAt: Date;
}

/** A message with what its delivery needs. */
export interface OutgoingMessage {
  id: string;
  subscriptionId: string;
  laneKey: string;
  eventType: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  giveUpAt: Date;
  url: string;
  secret: string;
  subscriptionDeleted: boolean;
}

export interface DeliveryAttemptRow {
  id: string;
  messageId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseMs: number;
  attemptedAt: Date;
  messageStatus: string;
}

const SUBSCRIPTION_COLUMNS = `id, url, events, venue_ids, format, secret, created_by, created_at`;

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSubscription(
    data: Pick<WebhookSubscription, 'url' | 'events' | 'venueIds' | 'format' | 'secret' | 'createdBy'>,
  ): Promise<WebhookSubscription> {
    const [row] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (url, events, venue_ids, format, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [data.url, data.events, data.venueIds, data.format, data.secret, data.createdBy],
    );
    return toSubscription(row);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    const rows = await this.dataSource.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id`,
    );
    return rows.map(toSubscription);
  }

  async findSubscription(id: string): Promise<WebhookSubscription | null> {
    const rows = await this.dataSource.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1 AND deleted_at IS NULL`, [id]);
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  /** Live subscriptions that want `type` for an event concerning `venueIds` (no venue filter = every venue). */
  async subscribersOf(type: WebhookEventType, venueIds: string[]): Promise<WebhookSubscription[]> {
    const rows = await this.dataSource.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions
        WHERE deleted_at IS NULL AND $1 = ANY(events) AND (cardinality(venue_ids) = 0 OR venue_ids && $2::uuid[])`,
      [type, venueIds],
    );
    return rows.map(toSubscription);
  }

  /** Soft-deletes a subscription; what it was still owed is given up. Returns false when there was none. */
  async deleteSubscription(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const result = await em.query(`UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL`, [id]);
      if (!affectedOf(result)) return false;
      await em.query(`UPDATE webhook_messages SET status = 'failed', finished_at = now() WHERE subscription_id = $1 AND status = 'pending'`, [id]);
      return true;
    });
  }

  /**
   * Records the messages of one event (a re-delivered event adds nothing) and returns the ids of
   * its messages still pending, new or not, so that their delivery tasks can be (re-)queued.
   */
  async insertMessages(messages: NewWebhookMessage[]): Promise<string[]> {
    if (!messages.length) return [];
    await this.dataSource.query(
      `INSERT INTO webhook_messages (subscription_id, event_id, event_sequence, event_type, lane_key, body, give_up_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       ON CONFLICT ON CONSTRAINT webhook_messages_once DO NOTHING`,
      [
        messages.map((m) => m.subscriptionId),
        messages.map((m) => m.eventId),
        messages.map((m) => m.eventSequence),
        messages.map((m) => m.eventType),
        messages.map((m) => m.laneKey),
        messages.map((m) => m.body),
        messages.map((m) => m.giveUpAt),
      ],
    );
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM webhook_messages WHERE event_id = $1 AND subscription_id = ANY($2::uuid[]) AND status = 'pending'`,
      [messages[0].eventId, messages.map((m) => m.subscriptionId)],
    );
    return rows.map((r) => r.id);
  }

  /** The message, what its delivery needs, and the head of its lane (the oldest pending message of its subscription and job). */
  async findMessage(id: string): Promise<(OutgoingMessage & { head: { id: string; nextAttemptAt: Date } | null }) | null> {
    const rows = await this.dataSource.query(
      `SELECT m.id, m.subscription_id, m.lane_key, m.event_type, m.body, m.status, m.attempts, m.give_up_at,
              s.url, s.secret, s.deleted_at IS NOT NULL AS subscription_deleted, h.id AS head_id, h.next_attempt_at AS head_next_attempt_at
         FROM webhook_messages m
         JOIN webhook_subscriptions s ON s.id = m.subscription_id
         LEFT JOIN LATERAL (
           SELECT h.id, h.next_attempt_at FROM webhook_messages h
            WHERE h.subscription_id = m.subscription_id AND h.lane_key = m.lane_key AND h.status = 'pending'
            ORDER BY h.event_sequence, h.id LIMIT 1
         ) h ON true
        WHERE m.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      subscriptionId: r.subscription_id,
      laneKey: r.lane_key,
      eventType: r.event_type,
      body: r.body,
      status: r.status,
      attempts: r.attempts,
      giveUpAt: r.give_up_at,
      url: r.url,
      secret: r.secret,
      subscriptionDeleted: r.subscription_deleted,
      head: r.head_id ? { id: r.head_id, nextAttemptAt: r.head_next_attempt_at } : null,
    };
  }

  /**
   * Logs an attempt and moves the message on in one statement: delivered or given up (`finish`),
   * or due again at `nextAttemptAt`.
   */
  async recordAttempt(
    message: Pick<OutgoingMessage, 'id' | 'subscriptionId'>,
    attempt: { number: number; ok: boolean; statusCode: number | null; error: string | null; responseMs: number },
    outcome: { finish: 'delivered' | 'failed' } | { nextAttemptAt: Date },
  ): Promise<void> {
    const finish = 'finish' in outcome ? outcome.finish : null;
    await this.dataSource.query(
      `WITH logged AS (
         INSERT INTO webhook_delivery_attempts (message_id, subscription_id, attempt, ok, status_code, error, response_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
       )
       UPDATE webhook_messages
          SET attempts = $3,
              status = coalesce($8, status),
              finished_at = CASE WHEN $8::text IS NULL THEN finished_at ELSE now() END,
              next_attempt_at = coalesce($9, next_attempt_at)
        WHERE id = $1 AND status = 'pending'`,
      [
        message.id,
        message.subscriptionId,
        attempt.number,
        attempt.ok,
        attempt.statusCode,
        attempt.error,
        attempt.responseMs,
        finish,
        'nextAttemptAt' in outcome ? outcome.nextAttemptAt : null,
      ],
    );
  }

  /** The oldest pending message of a lane (by outbox order), or null. */
  async laneHead(subscriptionId: string, laneKey: string): Promise<string | null> {
    const rows = await this.dataSource.query(
      `SELECT id FROM webhook_messages WHERE subscription_id = $1 AND lane_key = $2 AND status = 'pending'
        ORDER BY event_sequence, id LIMIT 1`,
      [subscriptionId, laneKey],
    );
    return rows[0]?.id ?? null;
  }

  /** Heads of lanes whose next attempt is overdue by `graceMs` (their task was lost): to be queued again. */
  async overdueHeads(graceMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM (
         SELECT DISTINCT ON (subscription_id, lane_key) id, next_attempt_at
           FROM webhook_messages WHERE status = 'pending'
          ORDER BY subscription_id, lane_key, event_sequence, id
       ) heads
       WHERE next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
       LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The newest delivery attempts of a subscription, newest first. */
  async attempts(subscriptionId: string, limit: number, beforeId?: string): Promise<DeliveryAttemptRow[]> {
    const rows = await this.dataSource.query(
      `SELECT a.id::text, a.message_id, m.event_id, m.event_type, a.attempt, a.ok, a.status_code, a.error, a.response_ms,
              a.attempted_at, m.status AS message_status
         FROM webhook_delivery_attempts a JOIN webhook_messages m ON m.id = a.message_id
        WHERE a.subscription_id = $1 AND ($3::bigint IS NULL OR a.id < $3::bigint)
        ORDER BY a.id DESC LIMIT $2`,
      [subscriptionId, limit, beforeId ?? null],
    );
    return rows.map(
      (r: Record<string, unknown>): DeliveryAttemptRow => ({
        id: r.id as string,
        messageId: r.message_id as string,
        eventId: r.event_id as string,
        eventType: r.event_type as string,
        attempt: r.attempt as number,
        ok: r.ok as boolean,
        statusCode: r.status_code as number | null,
        error: r.error as string | null,
        responseMs: r.response_ms as number,
        attemptedAt: r.attempted_at as Date,
        messageStatus: r.message_status as string,
      }),
    );
  }

  /** Removes finished messages (and their attempts) older than the retention, and subscriptions deleted as long ago. */
  async prune(retentionDays: number): Promise<number> {
    const pruned = affectedOf(
      await this.dataSource.query(`DELETE FROM webhook_messages WHERE finished_at < now() - make_interval(days => $1)`, [retentionDays]),
    );
    await this.dataSource.query(
      `DELETE FROM webhook_subscriptions s WHERE deleted_at < now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.subscription_id = s.id)`,
      [retentionDays],
    );
    return pruned;
  }
}

function toSubscription(r: Record<string, unknown>): WebhookSubscription {
  return {
    id: r.id as string,
    url: r.url as string,
    events: r.events as WebhookEventType[],
    venueIds: r.venue_ids as string[],
    format: r.format as WebhookFormat,
    secret: r.secret as string,
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as Date,
  };
}
