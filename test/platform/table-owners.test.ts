import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * One owner per table (DESIGN.md): SQL in a lib names only the tables that lib owns. Another
 * lib's rows are read and changed through the owner's services, query objects or SQL fragments
 * (scheduling's `staffRowSql`, `busyRangesSql`, ...), whose text lives in the owner's folder.
 *
 * The check reads every `.ts` file under `libs/<lib>/src` for statements naming a table
 * (`FROM`, `JOIN`, `UPDATE`, `INTO`, `TABLE`, `TRUNCATE` followed by the table, keywords in
 * capitals as all SQL here is written) and for TypeORM entities (`@Entity('table')`). It does
 * not parse SQL: a comma join (`FROM a, b`) or lower-case keywords would pass unseen.
 */
const OWNERS: Record<string, string> = {
  // scheduling: venues, staff, customers, jobs, assignments, blocked slots, conflicts, audit, outbox
  venues: 'scheduling',
  staff: 'scheduling',
  staff_venues: 'scheduling',
  customers: 'scheduling',
  customer_venues: 'scheduling',
  jobs: 'scheduling',
  job_assignments: 'scheduling',
  blocked_slots: 'scheduling',
  conflicts: 'scheduling',
  audit_log: 'scheduling',
  outbox_events: 'scheduling',
  outbox_prune_mark: 'scheduling',
  // ical-feed: feed tokens and settings
  staff_feeds: 'ical-feed',
  // calendar-sync: connections, calendars, channels, the push ledger, pulled events
  sync_connections: 'calendar-sync',
  sync_calendars: 'calendar-sync',
  sync_channels: 'calendar-sync',
  sync_pushed_events: 'calendar-sync',
  sync_remote_events: 'calendar-sync',
  // booking: services, working hours, bookings
  booking_services: 'booking',
  booking_service_performers: 'booking',
  booking_working_hours: 'booking',
  booking_working_hour_exceptions: 'booking',
  bookings: 'booking',
  // notifications: email invitations, outbound webhooks, Calendly
  email_messages: 'notifications',
  email_invitation_state: 'notifications',
  notification_staff_settings: 'notifications',
  notification_venue_settings: 'notifications',
  webhook_subscriptions: 'notifications',
  webhook_messages: 'notifications',
  webhook_lanes: 'notifications',
  webhook_delivery_attempts: 'notifications',
  calendly_invitees: 'notifications',
  // database: the deployment's identity
  deployment: 'database',
};

/** Files that may name any table, and why. */
const EXEMPT: Record<string, string> = {
  'libs/database/src/migrations/': 'migrations are the schema history of every table (DESIGN.md: database holds the migrations)',
  'libs/core/src/logging/redact.spec.ts': 'a statement text as test data for log redaction, not a query',
};

const ROOT = join(__dirname, '..', '..');
const TABLE_NAMES = Object.keys(OWNERS).join('|');
const STATEMENT = new RegExp(`\\b(?:FROM|JOIN|UPDATE|INTO|TABLE|TRUNCATE)\\s+(?:ONLY\\s+)?(?:public\\.)?"?(${TABLE_NAMES})"?(?![\\w"])`, 'g');
const ENTITY = /@Entity\(\s*['"]([a-z_][a-z0-9_]*)['"]/g;

interface Finding {
  file: string;
  line: number;
  table: string;
  owner: string;
}

/** Tables a source text names in SQL or entities, with their lines. */
function tablesNamedIn(text: string): Array<{ table: string; line: number }> {
  const found: Array<{ table: string; line: number }> = [];
  for (const pattern of [STATEMENT, ENTITY]) {
    for (const m of text.matchAll(pattern)) {
      found.push({ table: m[1], line: text.slice(0, m.index).split('\n').length });
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function libsOf(root: string): string[] {
  return readdirSync(join(root, 'libs')).filter((name) => statSync(join(root, 'libs', name, 'src')).isDirectory());
}

function foreignTableUses(root: string): Finding[] {
  const findings: Finding[] = [];
  for (const lib of libsOf(root)) {
    for (const path of sourceFiles(join(root, 'libs', lib, 'src'))) {
      const file = relative(root, path);
      if (Object.keys(EXEMPT).some((prefix) => file.startsWith(prefix))) continue;
      for (const { table, line } of tablesNamedIn(readFileSync(path, 'utf8'))) {
        const owner = OWNERS[table];
        if (owner && owner !== lib) findings.push({ file, line, table, owner });
      }
    }
  }
  return findings;
}

describe('one owner per table', () => {
  it('finds statements and entities naming a table (the detector itself)', () => {
    const feedHeadBefore = `SELECT f.salt, s.name FROM staff_feeds f
      JOIN staff s ON s.id = f.staff_id
      JOIN "venues" v ON v.id = f.venue_id
      WHERE EXISTS (SELECT 1 FROM staff_venues sv WHERE sv.staff_id = $1)`;
    expect(tablesNamedIn(feedHeadBefore).map((f) => f.table)).toEqual(['staff_feeds', 'staff', 'venues', 'staff_venues']);
    expect(tablesNamedIn('DELETE FROM blocked_slots b WHERE b.id = $1').map((f) => f.table)).toEqual(['blocked_slots']);
    expect(tablesNamedIn('INSERT INTO jobs (id) VALUES ($1); UPDATE ONLY job_assignments SET active = false').map((f) => f.table)).toEqual([
      'jobs',
      'job_assignments',
    ]);
    expect(tablesNamedIn("@Entity('customers')\nexport class Customer {}")).toEqual([{ table: 'customers', line: 1 }]);
    // Longer names, columns, fragments and prose are not tables.
    expect(tablesNamedIn('SELECT 1 FROM staff_feeds f JOIN jobs_archive x ON true')).toEqual([{ table: 'staff_feeds', line: 1 }]);
    expect(tablesNamedIn('SELECT s.staff_name FROM sync_connections c JOIN LATERAL (${staffRowSql(x)}) s ON true').map((f) => f.table)).toEqual([
      'sync_connections',
    ]);
    expect(tablesNamedIn('/** Reads from staff members and jobs of a venue. */')).toEqual([]);
  });

  it('knows the owner of every table the migrations create, and only of those', () => {
    const created = new Set<string>();
    for (const path of sourceFiles(join(ROOT, 'libs', 'database', 'src', 'migrations'))) {
      for (const m of readFileSync(path, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)/g)) created.add(m[1]);
    }
    // A new table needs its owning lib in OWNERS (above); a dropped one leaves it.
    const withoutOwner = [...created].filter((t) => !OWNERS[t]).sort();
    const notCreated = Object.keys(OWNERS).filter((t) => !created.has(t)).sort();
    expect({ withoutOwner, notCreated }).toEqual({ withoutOwner: [], notCreated: [] });
    const libs = libsOf(ROOT);
    for (const owner of new Set(Object.values(OWNERS))) expect(libs).toContain(owner);
  });

  it('has no lib naming another lib\u2019s table in its SQL or entities', () => {
    const findings = foreignTableUses(ROOT).map((f) => `${f.file}:${f.line} names ${f.table} (owned by ${f.owner})`);
    expect(findings).toEqual([]);
  });
});
