import { MigrationInterface, QueryRunner } from 'typeorm';

const JOB_STATUSES = `'pending','confirmed','contingent','seeking_replacement','arrived','completed','cancelled','no_show'`;

/**
 * The scheduling core: venues, staff, customers, jobs, assignments, blocked slots, conflicts,
 * the append-only audit log and the transactional outbox.
 */
export class SchedulingCore1795300000000 implements MigrationInterface {
  name = 'SchedulingCore1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await q.query(`
      CREATE TABLE venues (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        timezone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE staff (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        email text NOT NULL,
        schedule_version bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_email_key ON staff (lower(email))`);

    await q.query(`
      CREATE TABLE staff_venues (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (staff_id, venue_id)
      )`);
    await q.query(`CREATE INDEX staff_venues_venue_idx ON staff_venues (venue_id, staff_id)`);

    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        first_name text NOT NULL,
        last_name text NOT NULL,
        email text,
        phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE RESTRICT,
        title text NOT NULL,
        service text,
        customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
        location text,
        remote_url text,
        remote_details text,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        all_day boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN (${JOB_STATUSES})),
        version integer NOT NULL DEFAULT 1,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT jobs_ends_after_start CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX jobs_venue_during_idx ON jobs USING gist (venue_id, tstzrange(starts_at, ends_at, '[)'))`);
    await q.query(`CREATE INDEX jobs_venue_starts_idx ON jobs (venue_id, starts_at, id)`);
    await q.query(`CREATE INDEX jobs_customer_idx ON jobs (customer_id) WHERE customer_id IS NOT NULL`);

    // Job times and "active" are copied onto each assignment so that one exclusion constraint
    // can forbid overlapping active jobs per staff member. The jobs repository keeps the copies
    // in step inside the transaction that changes the job.
    await q.query(`
      CREATE TABLE job_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        role text NOT NULL DEFAULT 'team' CHECK (role IN ('lead','team')),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        during tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
        active boolean NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT job_assignments_job_staff_key UNIQUE (job_id, staff_id),
        CONSTRAINT job_assignments_no_overlap EXCLUDE USING gist (staff_id WITH =, during WITH &&) WHERE (active)
      )`);
    await q.query(`CREATE INDEX job_assignments_staff_starts_idx ON job_assignments (staff_id, starts_at)`);
    await q.query(`CREATE UNIQUE INDEX job_assignments_one_lead ON job_assignments (job_id) WHERE role = 'lead'`);

    await q.query(`
      CREATE TABLE blocked_slots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        during tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
        all_day boolean NOT NULL DEFAULT false,
        source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','external')),
        reason text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT blocked_slots_ends_after_start CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX blocked_slots_staff_during_idx ON blocked_slots USING gist (staff_id, during)`);

    await q.query(`
      CREATE TABLE conflicts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        blocked_slot_id uuid REFERENCES blocked_slots(id) ON DELETE SET NULL,
        status text NOT NULL CHECK (status IN ('open','resolved','overridden')),
        job_starts_at timestamptz NOT NULL,
        job_ends_at timestamptz NOT NULL,
        slot_starts_at timestamptz NOT NULL,
        slot_ends_at timestamptz NOT NULL,
        slot_source text NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        overridden_by text,
        overridden_at timestamptz,
        resolved_at timestamptz,
        resolution text
      )`);
    await q.query(
      `CREATE UNIQUE INDEX conflicts_live_pair_key ON conflicts (job_id, staff_id, blocked_slot_id) WHERE status <> 'resolved'`,
    );
    await q.query(`CREATE INDEX conflicts_venue_status_idx ON conflicts (venue_id, status, detected_at DESC)`);
    await q.query(`CREATE INDEX conflicts_staff_status_idx ON conflicts (staff_id, status, detected_at DESC)`);
    await q.query(`CREATE INDEX conflicts_slot_idx ON conflicts (blocked_slot_id) WHERE blocked_slot_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('user','system')),
        actor_id text,
        actor_role text,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        venue_id uuid,
        staff_id uuid,
        before jsonb,
        after jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_venue_idx ON audit_log (venue_id, id) WHERE venue_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, id) WHERE staff_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);

    await q.query(`
      CREATE TABLE outbox_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        aggregate_type text NOT NULL,
        aggregate_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE relayed_at IS NULL`);
    await q.query(
      `CREATE INDEX outbox_events_pending_aggregate_idx ON outbox_events (aggregate_id, id) WHERE relayed_at IS NULL`,
    );
    await q.query(`CREATE INDEX outbox_events_relayed_idx ON outbox_events (relayed_at) WHERE relayed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'outbox_events',
      'audit_log',
      'conflicts',
      'blocked_slots',
      'job_assignments',
      'jobs',
      'customers',
      'staff_venues',
      'staff',
      'venues',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_log_is_append_only()`);
  }
}
