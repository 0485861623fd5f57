/**
 * SQL fragments over scheduling's tables for other libs to compose into a single query of their
 * own (booking's availability answers for every performer of a service in one statement). The
 * table layout stays scheduling's business: callers pass SQL expressions (column references or
 * parameters) and get back a correlated subquery or condition.
 */

export interface BusyRangesSqlInput {
  /** Expression of the staff member's id (e.g. a column of the outer query). */
  staffId: string;
  /** tstzrange expression: only items intersecting it are read (index: GiST on (staff_id, during)). */
  window: string;
  /** Interval expression subtracted from every item's start. */
  widenBefore: string;
  /** Interval expression added to every item's end. */
  widenAfter: string;
  /** uuid expression (may be NULL) of a job whose own assignment does not count (a job being moved). */
  excludeJobId: string;
  /**
   * Padding a job keeps for itself beyond the widening (e.g. the buffers of the service it was
   * booked for): given the job id expression, a subquery of at most one row `(before interval,
   * after interval)`; each side is the larger of the two.
   */
  jobPadding?: (jobId: string) => string;
}

/**
 * Rows `(r tstzrange)`: the staff member's active jobs and blocked slots (manual and pulled from
 * connected calendars) intersecting the window, each widened. Served by the GiST indexes
 * `job_assignments_no_overlap` (staff_id, during) WHERE active and `blocked_slots_staff_during_idx`.
 */
export function busyRangesSql(i: BusyRangesSqlInput): string {
  const padding = i.jobPadding ? `LEFT JOIN LATERAL (${i.jobPadding('a.job_id')}) pad ON true` : '';
  const before = i.jobPadding ? `greatest(${i.widenBefore}, pad.before)` : i.widenBefore;
  const after = i.jobPadding ? `greatest(${i.widenAfter}, pad.after)` : i.widenAfter;
  return `
      SELECT tstzrange(a.starts_at - ${before}, a.ends_at + ${after}, '[)') AS r
        FROM job_assignments a ${padding}
       WHERE a.staff_id = ${i.staffId} AND a.active AND a.during && ${i.window}
         AND (${i.excludeJobId} IS NULL OR a.job_id <> ${i.excludeJobId})
      UNION ALL
      SELECT tstzrange(s.starts_at - ${i.widenBefore}, s.ends_at + ${i.widenAfter}, '[)')
        FROM blocked_slots s
       WHERE s.staff_id = ${i.staffId} AND s.during && ${i.window}`;
}

/** Condition: the staff member works at the venue (and is not deactivated). */
export function staffWorksAtVenueSql(staffId: string, venueId: string): string {
  return `EXISTS (SELECT 1 FROM staff_venues sv JOIN staff st ON st.id = sv.staff_id WHERE sv.staff_id = ${staffId} AND sv.venue_id = ${venueId} AND st.active)`;
}

/** Rows `(job_id)`: jobs the staff member is actively assigned to that start in [from, to) (btree (staff_id, starts_at)). */
export function activeJobsStartingSql(staffId: string, from: string, to: string): string {
  return `
      SELECT a.job_id FROM job_assignments a
       WHERE a.staff_id = ${staffId} AND a.starts_at >= ${from} AND a.starts_at < ${to} AND a.active`;
}
