/**
 * SQL fragment over `venues` for other libs whose own statements need a venue's name or zone
 * beside their rows (see staff/staff-sql.ts for why fragments rather than a second query).
 */

/**
 * Rows `(venue_name text, timezone text)` of the venue, none when there is no such venue:
 * `JOIN LATERAL (${venueRowSql('x.venue_id')}) v ON true` is an inner join on the primary key.
 */
export function venueRowSql(venueId: string): string {
  return `SELECT vn.name AS venue_name, vn.timezone FROM venues vn WHERE vn.id = ${venueId}`;
}
