import { busyRangesSql, staffWorksAtVenueSql } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

export interface AvailabilityQuery {
  venueId: string;
  timezone: string;
  serviceId: string;
  /** Earliest and latest (exclusive) slot start. */
  from: Date;
  to: Date;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  slotIntervalMinutes: number;
  /** Only this performer (undefined: every performer of the service). */
  staffId?: string;
  /** A job whose own time does not count as busy (the booking being rescheduled). */
  excludeJobId?: string;
  /** Only the starts, not who is free for them (cheaper: the public page). */
  withoutStaff?: boolean;
}

export interface FreeSlot {
  startsAt: Date;
  endsAt: Date;
  staffIds: string[];
}

/** Prepared once per connection; the version changes with the statement's text. */
const STATEMENT_NAMES = { perPerformer: 'booking_availability_staff_v1', starts: 'booking_availability_starts_v1' };

const DUR = 'make_interval(mins => $7)';
const STEP = 'make_interval(mins => $8)';
const BEFORE = 'make_interval(mins => $9)';
const AFTER = 'make_interval(mins => $10)';

/**
 * Free slots of a service for all its performers, in one statement:
 *
 * 1. performers: the service's staff who (still) work at the venue;
 * 2. working time: for each local date around the window, the dated exceptions of that date or
 *    else the weekly rules of its weekday, turned into instants with `date + time AT TIME ZONE`
 *    (so 09:00 stays 09:00 on both sides of a DST switch) and merged per person (`range_agg`);
 * 3. busy time: active jobs and blocked slots (manual and pulled), read through the GiST indexes
 *    on (staff_id, during) and widened by the service's buffers (a slot plus its buffers must be
 *    clear of them); a booked job also keeps its own service's buffers clear (the larger of the
 *    two on each side); merged per person;
 * 4. free = working - busy (multirange difference);
 * 5. grid: slot starts at local midnight plus multiples of the venue's interval, inside each free
 *    range, with the whole appointment inside it — grouped by start with the free performers
 *    (PER_PERFORMER_SQL), or laid once over the merged ranges of possible starts (STARTS_SQL).
 */
const FREE_TIME_SQL = `
  WITH performers AS MATERIALIZED (
    SELECT p.staff_id
      FROM booking_service_performers p
     WHERE p.service_id = $5 AND ($6::uuid IS NULL OR p.staff_id = $6::uuid)
       AND ${staffWorksAtVenueSql('p.staff_id', '$1')}
  ),
  days AS MATERIALIZED (
    SELECT d::date AS day, extract(isodow FROM d)::int AS dow
      FROM generate_series(($3::timestamptz AT TIME ZONE $2)::date - 1, ($4::timestamptz AT TIME ZONE $2)::date + 1, interval '1 day') d
  ),
  exceptions AS MATERIALIZED (
    SELECT e.staff_id, e.day, e.starts, e.ends
      FROM booking_working_hour_exceptions e JOIN performers pf ON pf.staff_id = e.staff_id
     WHERE e.venue_id = $1 AND e.day BETWEEN ($3::timestamptz AT TIME ZONE $2)::date - 1 AND ($4::timestamptz AT TIME ZONE $2)::date + 1
  ),
  hours AS (
    SELECT w.staff_id, dd.day, w.starts, w.ends
      FROM booking_working_hours w
      JOIN performers pf ON pf.staff_id = w.staff_id
      JOIN days dd ON dd.dow = w.weekday
     WHERE w.venue_id = $1
       AND NOT EXISTS (SELECT 1 FROM exceptions x WHERE x.staff_id = w.staff_id AND x.day = dd.day)
    UNION ALL
    SELECT staff_id, day, starts, ends FROM exceptions WHERE starts IS NOT NULL
  ),
  work AS MATERIALIZED (
    SELECT h.staff_id,
           range_agg(tstzrange((h.day + h.starts) AT TIME ZONE $2, (h.day + h.ends) AT TIME ZONE $2, '[)')
                     * tstzrange($3, $4 + ${DUR}, '[)')) AS ranges
      FROM hours h
     GROUP BY h.staff_id
  ),
  busy AS (
    SELECT w.staff_id, range_agg(b.r) AS ranges
      FROM work w
     CROSS JOIN LATERAL (${busyRangesSql({
       staffId: 'w.staff_id',
       // Wide enough for the largest buffer a booked job may keep (720 minutes).
       window: `tstzrange($3 - ${BEFORE} - interval '12 hours', $4 + ${DUR} + ${AFTER} + interval '12 hours', '[)')`,
       widenBefore: AFTER,
       widenAfter: BEFORE,
       excludeJobId: '$11::uuid',
       jobPadding: (jobId) => `
         SELECT make_interval(mins => bs.buffer_before_minutes) AS before, make_interval(mins => bs.buffer_after_minutes) AS after
           FROM bookings bk JOIN booking_services bs ON bs.id = bk.service_id
          WHERE bk.job_id = ${jobId}`,
     })}
     ) b
     GROUP BY w.staff_id
  ),
  free AS (
    SELECT w.staff_id, unnest(w.ranges - coalesce(b.ranges, '{}'::tstzmultirange)) AS r
      FROM work w LEFT JOIN busy b ON b.staff_id = w.staff_id
  )`;

/** Grid starts inside a range, in the venue's local time (local midnight plus multiples of the interval). */
const GRID = (range: string) => `
     CROSS JOIN LATERAL (SELECT lower(${range}) AT TIME ZONE $2 AS l, upper(${range}) AT TIME ZONE $2 AS u) loc
     CROSS JOIN LATERAL generate_series(
         date_trunc('day', loc.l) + ${STEP} * ceil(extract(epoch FROM loc.l - date_trunc('day', loc.l)) / ($8 * 60))::int,
         loc.u, ${STEP}) g`;

/** Every free start with the performers free for it (dispatchers, and the check before a booking). */
const PER_PERFORMER_SQL = `${FREE_TIME_SQL}
  SELECT g AT TIME ZONE $2 AS starts_at, array_agg(DISTINCT f.staff_id ORDER BY f.staff_id) AS staff_ids
    FROM free f ${GRID('f.r')}
   WHERE g AT TIME ZONE $2 >= $3 AND g AT TIME ZONE $2 < $4
     AND tstzrange(g AT TIME ZONE $2, (g AT TIME ZONE $2) + ${DUR}, '[)') <@ f.r
   GROUP BY 1
   ORDER BY 1`;

/**
 * Only whether someone is free (the public page): each free range becomes the closed range of
 * starts it allows, these are merged across performers, and the grid is laid over the union once.
 */
const STARTS_SQL = `${FREE_TIME_SQL},
  starts AS (
    SELECT unnest(range_agg(tstzrange(lower(f.r), upper(f.r) - ${DUR}, '[]'))) AS r
      FROM free f
     WHERE upper(f.r) - lower(f.r) >= ${DUR}
  )
  SELECT DISTINCT g AT TIME ZONE $2 AS starts_at, '{}'::uuid[] AS staff_ids
    FROM starts s ${GRID('s.r')}
   WHERE g AT TIME ZONE $2 >= $3 AND g AT TIME ZONE $2 < $4 AND (g AT TIME ZONE $2) <@ s.r
   ORDER BY 1`;

@Injectable()
export class AvailabilityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Free slots, through a named prepared statement: planned once per connection (Postgres
   * settles on its generic plan after five runs), since planning this statement costs about as
   * much as running it. With `em`, on the caller's transaction (the check under the lock).
   */
  async freeSlots(q: AvailabilityQuery, em?: EntityManager): Promise<FreeSlot[]> {
    const name = q.withoutStaff ? STATEMENT_NAMES.starts : STATEMENT_NAMES.perPerformer;
    const text = q.withoutStaff ? STARTS_SQL : PER_PERFORMER_SQL;
    const runner = em?.queryRunner ?? this.dataSource.createQueryRunner();
    let rows: Array<{ starts_at: Date; staff_ids: string[] }>;
    try {
      const client = (await runner.connect()) as PoolClient;
      rows = (await client.query({ name, text, values: this.params(q) })).rows;
    } finally {
      if (!em?.queryRunner) await runner.release();
    }
    const length = q.durationMinutes * 60_000;
    return rows.map((r) => {
      const startsAt = new Date(r.starts_at);
      return { startsAt, endsAt: new Date(startsAt.getTime() + length), staffIds: r.staff_ids };
    });
  }

  /** The plan of the availability statement (tests show that the big tables are read by index). */
  async explain(q: AvailabilityQuery): Promise<string> {
    const rows: Array<{ 'QUERY PLAN': string }> = await this.dataSource.query(`EXPLAIN ${q.withoutStaff ? STARTS_SQL : PER_PERFORMER_SQL}`, this.params(q));
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  private params(q: AvailabilityQuery): unknown[] {
    return [
      q.venueId,
      q.timezone,
      q.from,
      q.to,
      q.serviceId,
      q.staffId ?? null,
      q.durationMinutes,
      q.slotIntervalMinutes,
      q.bufferBeforeMinutes,
      q.bufferAfterMinutes,
      q.excludeJobId ?? null,
    ];
  }
}
