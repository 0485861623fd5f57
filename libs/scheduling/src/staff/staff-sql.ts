/**
 * SQL fragments over `staff` and `staff_venues` for other libs whose own statements join their
 * tables with a staff member (the feed's `staff_feeds`, calendar sync's `sync_connections`): one
 * statement stays one statement (the feed head lookup is a prepared statement every poll waits
 * for), while the layout of scheduling's tables stays here. Callers pass SQL expressions (column
 * references or parameters), as with booking's fragments in availability/schedule-sql.ts.
 */

/**
 * Rows `(staff_name text, schedule_version bigint)` of the staff member, none when there is no
 * such staff member: `JOIN LATERAL (${staffRowSql('x.staff_id')}) s ON true` is an inner join
 * on the primary key (Postgres pulls the subquery up, the plan is the plain join's).
 * `schedule_version` grows in the transaction of every change to the person's jobs.
 */
export function staffRowSql(staffId: string): string {
  return `SELECT st.name AS staff_name, st.schedule_version FROM staff st WHERE st.id = ${staffId}`;
}

/** Condition: the staff member belongs to the venue (active or not). */
export function staffBelongsToVenueSql(staffId: string, venueId: string): string {
  return `EXISTS (SELECT 1 FROM staff_venues sv WHERE sv.staff_id = ${staffId} AND sv.venue_id = ${venueId})`;
}

/** Condition: the staff member belongs to one of the venues (a uuid[] expression). */
export function staffBelongsToAnyVenueSql(staffId: string, venueIds: string): string {
  return `EXISTS (SELECT 1 FROM staff_venues sv WHERE sv.staff_id = ${staffId} AND sv.venue_id = ANY(${venueIds}))`;
}

/** Expression `text[]`: the ids of the staff member's venues, ordered. */
export function staffVenueIdsSql(staffId: string): string {
  return `ARRAY(SELECT sv.venue_id::text FROM staff_venues sv WHERE sv.staff_id = ${staffId} ORDER BY sv.venue_id)`;
}
