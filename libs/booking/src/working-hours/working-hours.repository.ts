import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isoWeekday, weekdayOf, WorkingHours } from './working-hours';

const clock = (t: string) => (t.startsWith('24:') ? '24:00' : t.slice(0, 5));

@Injectable()
export class WorkingHoursRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Replaces a staff member's hours at a venue (weekly rules and every exception). */
  async replace(em: EntityManager, staffId: string, venueId: string, hours: WorkingHours): Promise<void> {
    await em.query(`DELETE FROM booking_working_hours WHERE staff_id = $1 AND venue_id = $2`, [staffId, venueId]);
    await em.query(`DELETE FROM booking_working_hour_exceptions WHERE staff_id = $1 AND venue_id = $2`, [staffId, venueId]);
    if (hours.weekly.length) {
      await em.query(
        `INSERT INTO booking_working_hours (staff_id, venue_id, weekday, starts, ends)
         SELECT $1, $2, d, s::time, e::time FROM unnest($3::int[], $4::text[], $5::text[]) AS t(d, s, e)`,
        [staffId, venueId, hours.weekly.map((r) => isoWeekday(r.day)), hours.weekly.map((r) => r.start), hours.weekly.map((r) => r.end)],
      );
    }
    const rows = hours.exceptions.flatMap((e) =>
      e.ranges.length ? e.ranges.map((r) => [e.date, r.start, r.end]) : [[e.date, null, null]],
    );
    if (rows.length) {
      await em.query(
        `INSERT INTO booking_working_hour_exceptions (staff_id, venue_id, day, starts, ends)
         SELECT $1, $2, d::date, s::time, e::time FROM unnest($3::text[], $4::text[], $5::text[]) AS t(d, s, e)`,
        [staffId, venueId, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
      );
    }
  }

  async get(staffId: string, venueId: string): Promise<WorkingHours> {
    const weekly: Array<{ weekday: number; starts: string; ends: string }> = await this.dataSource.query(
      `SELECT weekday, starts::text, ends::text FROM booking_working_hours WHERE staff_id = $1 AND venue_id = $2 ORDER BY weekday, starts`,
      [staffId, venueId],
    );
    const exceptions: Array<{ day: string; starts: string | null; ends: string | null }> = await this.dataSource.query(
      `SELECT day::text, starts::text, ends::text FROM booking_working_hour_exceptions
        WHERE staff_id = $1 AND venue_id = $2 ORDER BY day, starts NULLS FIRST`,
      [staffId, venueId],
    );
    const byDate = new Map<string, Array<{ start: string; end: string }>>();
    for (const e of exceptions) {
      const ranges = byDate.get(e.day) ?? [];
      if (e.starts && e.ends) ranges.push({ start: clock(e.starts), end: clock(e.ends) });
      byDate.set(e.day, ranges);
    }
    return {
      weekly: weekly.map((w) => ({ day: weekdayOf(w.weekday), start: clock(w.starts), end: clock(w.ends) })),
      exceptions: [...byDate].map(([date, ranges]) => ({ date, ranges })),
    };
  }
}
