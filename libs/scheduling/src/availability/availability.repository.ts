import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BusyItem } from './busy-intervals';

/**
 * Active jobs and blocked slots of a staff member ($1) intersecting [$2, $3). Both halves are
 * served by GiST indexes: `job_assignments_no_overlap` (staff_id, during) WHERE active, and
 * `blocked_slots_staff_during_idx` (staff_id, during).
 */
export const BUSY_ITEMS_SQL = `
  SELECT 'job' AS type, a.job_id AS id, a.starts_at, a.ends_at, NULL AS source
    FROM job_assignments a
   WHERE a.staff_id = $1 AND a.active AND a.during && tstzrange($2, $3, '[)')
  UNION ALL
  SELECT 'blocked_slot', s.id, s.starts_at, s.ends_at, s.source
    FROM blocked_slots s
   WHERE s.staff_id = $1 AND s.during && tstzrange($2, $3, '[)')
  ORDER BY 3, 4`;

@Injectable()
export class AvailabilityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async busyItems(staffId: string, from: Date, to: Date): Promise<BusyItem[]> {
    const rows: Array<{ type: BusyItem['type']; id: string; starts_at: Date; ends_at: Date; source: string | null }> =
      await this.dataSource.query(BUSY_ITEMS_SQL, [staffId, from, to]);
    return rows.map((r) => ({
      type: r.type,
      id: r.id,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      ...(r.source ? { source: r.source } : {}),
    }));
  }
}
