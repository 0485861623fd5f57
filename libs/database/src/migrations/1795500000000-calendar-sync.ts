import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar sync: connections (encrypted credentials, status machine), their calendars (push /
 * pull, cursors), what pull has seen of each calendar, the mapping of pushed jobs, push
 * notification channels, and the columns that tie external blocked slots to the calendar event
 * they mirror.
 */
export class CalendarSync1795500000000 implements MigrationInterface {
  name = 'CalendarSync1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        provider text NOT NULL,
        account_id text NOT NULL,
        account_email text NOT NULL,
        server_url text,
        status text NOT NULL DEFAULT 'active'
          CHECK (status IN ('active','syncing','needs_reauth','error','disconnected')),
        credentials text,
        credentials_key_id text,
        metadata jsonb NOT NULL DEFAULT '{}',
        include_client_names boolean NOT NULL DEFAULT false,
        last_synced_at timestamptz,
        last_error text,
        failure_count integer NOT NULL DEFAULT 0,
        backoff_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sync_connections_credentials_sealed CHECK ((credentials IS NULL) = (credentials_key_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX sync_connections_account_key ON sync_connections (staff_id, provider, account_id)`);
    await q.query(`CREATE INDEX sync_connections_due_idx ON sync_connections (last_synced_at NULLS FIRST) WHERE status IN ('active','syncing','error')`);
    await q.query(`CREATE INDEX sync_connections_key_idx ON sync_connections (credentials_key_id) WHERE credentials_key_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE sync_calendars (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES sync_connections(id) ON DELETE CASCADE,
        external_id text NOT NULL,
        name text NOT NULL,
        color text,
        timezone text,
        read_only boolean NOT NULL DEFAULT false,
        metadata jsonb NOT NULL DEFAULT '{}',
        push boolean NOT NULL DEFAULT false,
        pull boolean NOT NULL DEFAULT false,
        cursor text,
        last_pulled_at timestamptz,
        last_full_sync_at timestamptz,
        removed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sync_calendars_external_key UNIQUE (connection_id, external_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX sync_calendars_one_push ON sync_calendars (connection_id) WHERE push`);

    // Every object pull has seen (also those that block nothing: our own, free, declined), with
    // its version: a full listing then fetches only what changed (CalDAV etag comparison).
    await q.query(`
      CREATE TABLE sync_remote_events (
        calendar_id uuid NOT NULL REFERENCES sync_calendars(id) ON DELETE CASCADE,
        external_id text NOT NULL,
        etag text,
        ours boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (calendar_id, external_id)
      )`);

    // Pushed jobs, per connection: the ledger of what should be written (pending) and what was
    // (external id, etag, content hash). No foreign key to jobs: the row must outlive a job to
    // remove its event.
    await q.query(`
      CREATE TABLE sync_pushed_events (
        connection_id uuid NOT NULL REFERENCES sync_connections(id) ON DELETE CASCADE,
        job_id uuid NOT NULL,
        event_key text NOT NULL,
        calendar_id uuid REFERENCES sync_calendars(id) ON DELETE SET NULL,
        calendar_external_id text,
        external_id text,
        etag text,
        content_hash text,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','synced','failed')),
        desired_version integer NOT NULL DEFAULT 0,
        pushed_version integer,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, job_id)
      )`);
    await q.query(`CREATE INDEX sync_pushed_events_due_idx ON sync_pushed_events (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX sync_pushed_events_job_idx ON sync_pushed_events (job_id)`);

    // Push-notification channels (Google watch channels, Graph subscriptions) per pulled calendar.
    // The secret the provider echoes back is kept only as a SHA-256 hash.
    await q.query(`
      CREATE TABLE sync_channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES sync_connections(id) ON DELETE CASCADE,
        calendar_id uuid NOT NULL REFERENCES sync_calendars(id) ON DELETE CASCADE,
        channel_id text NOT NULL,
        resource_id text,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sync_channels_channel_key UNIQUE (channel_id, connection_id)
      )`);
    await q.query(`CREATE INDEX sync_channels_connection_idx ON sync_channels (connection_id, expires_at)`);

    await q.query(`
      ALTER TABLE blocked_slots
        ADD COLUMN connection_id uuid REFERENCES sync_connections(id) ON DELETE CASCADE,
        ADD COLUMN calendar_id uuid REFERENCES sync_calendars(id) ON DELETE CASCADE,
        ADD COLUMN external_event_id text,
        ADD COLUMN instance_key text,
        ADD CONSTRAINT blocked_slots_external_origin CHECK (
          connection_id IS NULL
          OR (source = 'external' AND calendar_id IS NOT NULL AND external_event_id IS NOT NULL AND instance_key IS NOT NULL)
        )`);
    await q.query(
      `CREATE UNIQUE INDEX blocked_slots_external_key ON blocked_slots (calendar_id, external_event_id, instance_key) WHERE calendar_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX blocked_slots_connection_idx ON blocked_slots (connection_id) WHERE connection_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM blocked_slots WHERE connection_id IS NOT NULL`);

    await q.query(`
      ALTER TABLE blocked_slots
        DROP CONSTRAINT IF EXISTS blocked_slots_external_origin,
        DROP COLUMN IF EXISTS instance_key,
        DROP COLUMN IF EXISTS external_event_id,
        DROP COLUMN IF EXISTS calendar_id,
        DROP COLUMN IF EXISTS connection_id`);
    for (const table of ['sync_channels', 'sync_pushed_events', 'sync_remote_events', 'sync_calendars', 'sync_connections']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
