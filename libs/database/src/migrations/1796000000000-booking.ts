import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-booking: the venue booking policy (columns on scheduling's `venues`), customers as audit
 * actors, and booking's own tables — services and their performers, working hours (weekly
 * wall-clock rules and dated exceptions in the venue's zone) and bookings (a job booked by a
 * customer, with the salt of its manage link).
 */
export class Booking1796000000000 implements MigrationInterface {
  name = 'Booking1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE venues
        ADD COLUMN booking_enabled boolean NOT NULL DEFAULT false,
        ADD COLUMN booking_min_notice_minutes integer NOT NULL DEFAULT 120
          CONSTRAINT venues_booking_min_notice_check CHECK (booking_min_notice_minutes BETWEEN 0 AND 525600),
        ADD COLUMN booking_horizon_days integer NOT NULL DEFAULT 60
          CONSTRAINT venues_booking_horizon_check CHECK (booking_horizon_days BETWEEN 1 AND 730),
        ADD COLUMN booking_slot_interval_minutes integer NOT NULL DEFAULT 15
          CONSTRAINT venues_booking_slot_interval_check CHECK (booking_slot_interval_minutes BETWEEN 5 AND 1440),
        ADD COLUMN booking_cancellation_cutoff_minutes integer NOT NULL DEFAULT 1440
          CONSTRAINT venues_booking_cutoff_check CHECK (booking_cancellation_cutoff_minutes BETWEEN 0 AND 525600)`);

    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check`);
    await q.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('user','system','customer'))`,
    );

    await q.query(`
      CREATE TABLE booking_services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
        buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 720),
        buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 720),
        bookable boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX booking_services_venue_idx ON booking_services (venue_id, name, id)`);

    await q.query(`
      CREATE TABLE booking_service_performers (
        service_id uuid NOT NULL REFERENCES booking_services(id) ON DELETE CASCADE,
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        PRIMARY KEY (service_id, staff_id)
      )`);
    await q.query(`CREATE INDEX booking_service_performers_staff_idx ON booking_service_performers (staff_id)`);

    // Weekly rules: wall-clock times in the venue's zone (ISO weekday 1 = Monday); ends_at may be 24:00.
    await q.query(`
      CREATE TABLE booking_working_hours (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        starts time NOT NULL,
        ends time NOT NULL,
        CONSTRAINT booking_working_hours_order CHECK (ends > starts),
        PRIMARY KEY (staff_id, venue_id, weekday, starts)
      )`);
    // Dated exceptions replace the weekly rules of their day; a row without times is a day off.
    await q.query(`
      CREATE TABLE booking_working_hour_exceptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        day date NOT NULL,
        starts time,
        ends time,
        CONSTRAINT booking_working_hour_exceptions_times CHECK ((starts IS NULL) = (ends IS NULL) AND (starts IS NULL OR ends > starts))
      )`);
    await q.query(
      `CREATE INDEX booking_working_hour_exceptions_day_idx ON booking_working_hour_exceptions (staff_id, venue_id, day)`,
    );

    await q.query(`
      CREATE TABLE bookings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
        venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        service_id uuid NOT NULL REFERENCES booking_services(id) ON DELETE RESTRICT,
        customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
        manage_salt bytea NOT NULL CHECK (length(manage_salt) = 16),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz
      )`);
    await q.query(`CREATE INDEX bookings_venue_created_idx ON bookings (venue_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'bookings',
      'booking_working_hour_exceptions',
      'booking_working_hours',
      'booking_service_performers',
      'booking_services',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    // Audit rows are append-only: entries made by customers stay, so the old rule comes back unvalidated.
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check`);
    await q.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('user','system')) NOT VALID`,
    );
    await q.query(`
      ALTER TABLE venues
        DROP COLUMN booking_enabled,
        DROP COLUMN booking_min_notice_minutes,
        DROP COLUMN booking_horizon_days,
        DROP COLUMN booking_slot_interval_minutes,
        DROP COLUMN booking_cancellation_cutoff_minutes`);
  }
}
