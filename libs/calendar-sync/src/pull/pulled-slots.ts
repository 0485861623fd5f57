import { ExternalSlots, SlotChanges } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RemoteEvent } from '../providers/calendar-provider';

const CHUNK = 2_000;

/**
 * What pull keeps of a calendar: the index of remote objects it has seen (`sync_remote_events`,
 * this lib's table: external id, etag, ours) and, through scheduling's `ExternalSlots` port, the
 * blocked slots those objects imply. Both change in the caller's transaction.
 */
@Injectable()
export class PulledSlots {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly slots: ExternalSlots,
  ) {}

  /** Versions of the objects known in a calendar (external id -> etag). */
  async knownVersions(calendarId: string): Promise<Map<string, string | null>> {
    const rows: Array<{ external_id: string; etag: string | null }> = await this.dataSource.query(
      `SELECT external_id, etag FROM sync_remote_events WHERE calendar_id = $1`,
      [calendarId],
    );
    return new Map(rows.map((r) => [r.external_id, r.etag]));
  }

  /** Records fetched objects and makes their slots exactly their busy instances (ours block nothing). */
  async applyUpserts(
    em: EntityManager,
    target: { staffId: string; connectionId: string; calendarId: string; reason: string },
    events: RemoteEvent[],
  ): Promise<SlotChanges> {
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      await em.query(
        `INSERT INTO sync_remote_events (calendar_id, external_id, etag, ours)
         SELECT $1, e.id, e.etag, e.ours FROM unnest($2::text[], $3::text[], $4::boolean[]) AS e(id, etag, ours)
         ON CONFLICT (calendar_id, external_id) DO UPDATE SET etag = EXCLUDED.etag, ours = EXCLUDED.ours, updated_at = now()`,
        [target.calendarId, chunk.map((e) => e.externalId), chunk.map((e) => e.etag), chunk.map((e) => e.ours)],
      );
    }
    return this.slots.replaceForEvents(
      em,
      target,
      events.map((e) => ({ externalId: e.externalId, busy: e.ours ? [] : e.busy })),
    );
  }

  /** Objects that are gone: their slots go with them. Returns how many slots were removed. */
  async applyDeletions(em: EntityManager, calendarId: string, externalIds: string[]): Promise<number> {
    if (!externalIds.length) return 0;
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = $1 AND external_id = ANY($2::text[])`, [calendarId, externalIds]);
    return this.slots.deleteForEvents(em, calendarId, externalIds);
  }

  /**
   * After a full listing: everything not listed is gone, and slots that ended before the window
   * are history. Returns how many slots were removed.
   */
  async keepOnly(em: EntityManager, calendarId: string, listed: string[], windowStart: Date): Promise<number> {
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = $1 AND NOT (external_id = ANY($2::text[]))`, [calendarId, listed]);
    return this.slots.keepOnlyEvents(em, calendarId, listed, windowStart);
  }

  /** Every slot and remote object of these calendars (no longer pulled, removed, disconnected). */
  async clearCalendars(em: EntityManager, calendarIds: string[]): Promise<number> {
    if (!calendarIds.length) return 0;
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = ANY($1::uuid[])`, [calendarIds]);
    return (await this.slots.deleteForCalendars(em, calendarIds)).deleted;
  }

  async clearConnection(em: EntityManager, connectionId: string): Promise<number> {
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id IN (SELECT id FROM sync_calendars WHERE connection_id = $1)`, [connectionId]);
    return this.slots.deleteForConnection(em, connectionId);
  }

  /**
   * Slots whose calendar is no longer pulled, or whose connection is no longer live: orphans
   * left by a crash between two steps. What pull knew of those calendars goes too (a later pull
   * starts from a full listing). Returns the staff whose slots were removed.
   */
  async deleteOrphans(em: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT k.id FROM sync_calendars k JOIN sync_connections c ON c.id = k.connection_id
        WHERE NOT k.pull OR k.removed_at IS NOT NULL OR c.status = 'disconnected'`,
    );
    const stale = rows.map((r) => r.id);
    if (!stale.length) return [];
    await em.query(`DELETE FROM sync_remote_events WHERE calendar_id = ANY($1::uuid[])`, [stale]);
    await em.query(`UPDATE sync_calendars SET cursor = NULL WHERE cursor IS NOT NULL AND id = ANY($1::uuid[])`, [stale]);
    return (await this.slots.deleteForCalendars(em, stale)).staffIds;
  }
}
