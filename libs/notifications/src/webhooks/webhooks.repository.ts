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

const SUBSCRIPTION_COLUMNS = `id, url, events, venue_ids, format, created_by, created_at`;

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSubscription(
    data: Pick<WebhookSubscription, 'id' | 'url' | 'events' | 'venueIds' | 'format' | 'createdBy'> & { secretSealed: string },
  ): Promise<WebhookSubscription> {
    const [row] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (id, url, events, venue_ids, format, secret_sealed, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [data.id, data.url, data.events, data.venueIds, data.format, data.secretSealed, data.createdBy],
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
      await em.query(`UPDATE webhook_lanes SET next_attempt_at = NULL, lease_token = NULL WHERE subscription_id = $1`, [id]);
      return true;
    });
  }

  /**
   * Records the messages of one event (a re-delivered event adds nothing) and makes their lanes
   * due (an idle lane now; a lane waiting for a retry stays waiting, its new message behind its
   * head), bumping each lane's fan-out counter, in one statement. Lanes are touched in key order.
   * Returns how many messages are new.
   */
  async insertMessages(messages: NewWebhookMessage[]): Promise<number> {
    if (!messages.length) return 0;
    const rows: unknown[] = await this.dataSource.query(
      `WITH added AS (
         INSERT INTO webhook_messages (subscription_id, event_id, event_sequence, event_type, lane_key, body, give_up_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         ON CONFLICT ON CONSTRAINT webhook_messages_once DO NOTHING
         RETURNING subscription_id, lane_key
       ), lanes AS (
         INSERT INTO webhook_lanes AS l (subscription_id, lane_key, next_attempt_at)
         SELECT DISTINCT subscription_id, lane_key, now() FROM added ORDER BY subscription_id, lane_key
         ON CONFLICT (subscription_id, lane_key) DO UPDATE SET changes = l.changes + 1, next_attempt_at = coalesce(l.next_attempt_at, now())
       )
       SELECT 1 FROM added`,
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
    return rows.length;
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
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as Date,
  };
}
