import { affectedOf, rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One interval a remote event blocks (an occurrence of it). */
export interface ExternalBusyInterval {
  /** Stable per occurrence of the remote event: '' for single events. */
  instanceKey: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
}

/** A remote event of a pulled calendar and the intervals it blocks now (none: it blocks nothing). */
export interface ExternalEventSlots {
  externalId: string;
  busy: readonly ExternalBusyInterval[];
}

export interface ExternalSlotTarget {
  staffId: string;
  connectionId: string;
  calendarId: string;
  /** The slots' reason (shown to dispatchers), e.g. "Busy in Google Calendar". */
  reason: string;
}

export interface SlotChanges {
  created: number;
  updated: number;
  deleted: number;
}

const CHUNK = 2_000;

/**
 * The port through which calendar sync keeps the blocked slots its pulled calendars imply
 * (`blocked_slots` rows with source 'external', keyed by calendar, remote event and instance).
 * Scheduling owns the table; every statement on it for pulled calendars is here. Callers pass
 * their transaction (`em`) so that slots change together with their own bookkeeping. Bulk
 * statements over `unnest` arrays: a first pull of thousands of events is a handful of round trips.
 */
@Injectable()
export class ExternalSlots {
  /** Makes the slots of these remote events exactly their intervals (new, moved and vanished instances). */
  async replaceForEvents(em: EntityManager, target: ExternalSlotTarget, events: readonly ExternalEventSlots[]): Promise<SlotChanges> {
    const changes: SlotChanges = { created: 0, updated: 0, deleted: 0 };
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      const slots = chunk.flatMap((e) => e.busy.map((b) => ({ eventId: e.externalId, ...b })));
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

  /** Remote events that are gone: their slots go with them. Returns how many slots were removed. */
  async deleteForEvents(em: EntityManager, calendarId: string, externalIds: readonly string[]): Promise<number> {
    if (!externalIds.length) return 0;
    const result = await em.query(`DELETE FROM blocked_slots WHERE calendar_id = $1 AND external_event_id = ANY($2::text[])`, [calendarId, externalIds]);
    return affectedOf(result);
  }

  /**
   * After a full listing of a calendar: slots of events not listed, and slots that ended before
   * the window (history), are removed. Returns how many.
   */
  async keepOnlyEvents(em: EntityManager, calendarId: string, listed: readonly string[], windowStart: Date): Promise<number> {
    const result = await em.query(
      `DELETE FROM blocked_slots WHERE calendar_id = $1 AND (NOT (external_event_id = ANY($2::text[])) OR ends_at <= $3)`,
      [calendarId, listed, windowStart],
    );
    return affectedOf(result);
  }

  /** Every slot of these calendars (no longer pulled, removed, orphaned). Returns how many, and whose. */
  async deleteForCalendars(em: EntityManager, calendarIds: readonly string[]): Promise<{ deleted: number; staffIds: string[] }> {
    if (!calendarIds.length) return { deleted: 0, staffIds: [] };
    const result = await em.query(`DELETE FROM blocked_slots WHERE calendar_id = ANY($1::uuid[]) RETURNING staff_id`, [calendarIds]);
    const rows = rowsOf<{ staff_id: string }>(result);
    return { deleted: rows.length, staffIds: [...new Set(rows.map((r) => r.staff_id))] };
  }

  /** Every slot a connection's calendars brought (disconnect). Returns how many. */
  async deleteForConnection(em: EntityManager, connectionId: string): Promise<number> {
    return affectedOf(await em.query(`DELETE FROM blocked_slots WHERE connection_id = $1`, [connectionId]));
  }
}
