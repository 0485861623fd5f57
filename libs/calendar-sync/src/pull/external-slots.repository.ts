import { affectedOf, rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RemoteEvent } from '../providers/calendar-provider';

export interface SlotChanges {
  created: number;
  updated: number;
  deleted: number;
}

const CHUNK = 2_000;

/**
 * Blocked slots pulled from connected calendars (scheduling's `blocked_slots`, source
 * 'external', keyed by calendar, remote event and instance) and the index of remote objects
 * pull has seen. Bulk statements over `unnest` arrays: a first pull of thousands of events is a
 * handful of round trips.
 */
@Injectable()
export class ExternalSlotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Versions of the objects known in a calendar (external id -> etag). */
  async knownVersions(calendarId: string): Promise<Map<string, string | null>> {
    const rows: Array<{ external_id: string; etag: string | null }> = await this.dataSource.query(
      `SELECT external_id, etag FROM sync_remote_events WHERE calendar_id = $1`,
      [calendarId],
    );
    return new Map(rows.map((r) => [r.external_id, r.etag]));
  }

  /** Records fetched objects and makes their slots exactly their busy instances. */
  async applyUpserts(
    em: EntityManager,
    target: { staffId: string; connectionId: string; calendarId: string; reason: string },
    events: RemoteEvent[],
  ): Promise<SlotChanges> {
    const changes: SlotChanges = { created: 0, updated: 0, deleted: 0 };
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      await em.query(
        `INSERT INTO sync_remote_events (calendar_id, external_id, etag, ours)
         SELECT $1, e.id, e.etag, e.ours FROM unnest($2::text[], $3::text[], $4::boolean[]) AS e(id, etag, ours)
         ON CONFLICT (calendar_id, external_id) DO UPDATE SET etag = EXCLUDED.etag, ours = EXCLUDED.ours, updated_at = now()`,
        [target.calendarId, chunk.map((e) => e.externalId), chunk.map((e) => e.etag), chunk.map((e) => e.ours)],
      );
      const slots = chunk.flatMap((e) => (e.ours ? [] : e.busy.map((b) => ({ eventId: e.externalId, ...b }))));
      if (slots.length) {
        const result = await em.query(
          `INSERT INTO blocked_slots (staff_id, starts_at, ends_at, all_day, source, reason, created_by, connection_id, calendar_id, external_event_id, instance_key)
           SELECT $1, s.starts_at, s.ends_at, s.all_day, 'external', $2, 'calendar-sync', $3, $4, s.event_id, s.instance_key
             FROM unnest($5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::boolean[])
                  AS s(event_id, instance_key, starts_at, ends_at, all_day)
           ON CONFLICT (calendar_id, external_event_id, instance_key) WHERE calendar_id IS NOT NULL DO UPDATE
             SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, all_day = EXCLUDED.all_day, updated_at = now()
             WHERE (blocked_slots.starts_at, blocked_slots.ends_at, blocked_slots.all_day)
                   IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.all_day)
           RETURNING (xmax = 0) AS inserted`,
          [
            target.staffId,
            target.reason,
            target.connectionId,
            target.calendarId,
            slots.map((s) => s.eventId),
            slots.map((s) => s.instanceKey),
            slots.map((s) => s.startsAt),
            slots.map((s) => s.endsAt),
            slots.map((s) => s.allDay),
          ],
        );
        for (const row of rowsOf<{ inserted: boolean }>(result)) {
          if (row.inserted) changes.created++;
          else changes.updated++;
        }
      }
      // Instances an event no longer has (an EXDATE added, a series shortened, now free or declined).
      const removed = await em.query(
        `DELETE FROM blocked_slots b
          WHERE b.calendar_id = $1 AND b.external_event_id = ANY($2::text[])
            AND NOT EXISTS (SELECT 1 FROM unnest($3::text[], $4::text[]) AS k(event_id, instance_key)
                             WHERE k.event_id = b.external_event_id AND k.instance_key = b.instance_key)`,
        [target.calendarId, chunk.map((e) => e.externalId), slots.map((s) => s.eventId), slots.map((s) => s.instanceKey)],
      );
      changes.deleted += affectedOf(removed);
    }
    return changes;
  }

  /** Objects that are gone: their slots go with them. Returns how many slots were removed. */
  async applyDeletions(em: EntityManager, calendarId: string, externalIds: string[]): Promise<number> {
    if (!externalIds.length) return 0;
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = $1 AND external_id = ANY($2::text[])`, [calendarId, externalIds]);
    const result = await em.query(`DELETE FROM blocked_slots WHERE calendar_id = $1 AND external_event_id = ANY($2::text[])`, [
      calendarId,
      externalIds,
    ]);
    return affectedOf(result);
  }

  /**
   * After a full listing: everything not listed is gone, and slots that ended before the window
   * are history. Returns how many slots were removed.
   */
  async keepOnly(em: EntityManager, calendarId: string, listed: string[], windowStart: Date): Promise<number> {
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = $1 AND NOT (external_id = ANY($2::text[]))`, [calendarId, listed]);
    const result = await em.query(
      `DELETE FROM blocked_slots WHERE calendar_id = $1 AND (NOT (external_event_id = ANY($2::text[])) OR ends_at <= $3)`,
      [calendarId, listed, windowStart],
    );
    return affectedOf(result);
  }

  /** Every slot and remote object of these calendars (no longer pulled, removed, disconnected). */
  async clearCalendars(em: EntityManager, calendarIds: string[]): Promise<number> {
    if (!calendarIds.length) return 0;
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = ANY($1::uuid[])`, [calendarIds]);
    const result = await em.query(`DELETE FROM blocked_slots WHERE calendar_id = ANY($1::uuid[])`, [calendarIds]);
    return affectedOf(result);
  }

  async clearConnection(em: EntityManager, connectionId: string): Promise<number> {
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id IN (SELECT id FROM sync_calendars WHERE connection_id = $1)`, [connectionId]);
    return affectedOf(await em.query(`DELETE FROM blocked_slots WHERE connection_id = $1`, [connectionId]));
  }

  /**
   * Slots whose calendar is no longer pulled, or whose connection is no longer live: orphans
   * left by a crash between two steps. What pull knew of those calendars goes too (a later pull
   * starts from a full listing). Returns the staff whose slots were removed.
   */
  async deleteOrphans(em: EntityManager): Promise<string[]> {
    const stale = `SELECT k.id FROM sync_calendars k JOIN sync_connections c ON c.id = k.connection_id
                    WHERE NOT k.pull OR k.removed_at IS NOT NULL OR c.status = 'disconnected'`;
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id IN (${stale})`);
    await em.query(`UPDATE sync_calendars SET cursor = NULL WHERE cursor IS NOT NULL AND id IN (${stale})`);
    const result = await em.query(`DELETE FROM blocked_slots WHERE calendar_id IN (${stale}) RETURNING staff_id`);
    return [...new Set(rowsOf<{ staff_id: string }>(result).map((r) => r.staff_id))];
  }
}
