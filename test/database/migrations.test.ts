import { dropDatabase, ensureDatabaseExists, MIGRATIONS, withDatabase } from '@calbridge/database';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_ENV, testPgUrl } from '../support/test-env';

/**
 * Everything a migration can create in the public schema, as text: tables and columns (with
 * types, defaults, nullability), constraints, indexes, triggers, functions and sequences. Two
 * databases with the same schema give the same text. Extensions (btree_gist, pgcrypto) are left
 * out: a down() leaves them installed, as other schemas on the server may use them.
 */
async function schemaOf(ds: DataSource): Promise<string> {
  const parts: string[] = [];
  const q = async (sql: string) => (await ds.query(sql)).map((r: Record<string, unknown>) => Object.values(r).join(' | '));
  parts.push(
    ...(await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '')
                   FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'migrations'
                  ORDER BY table_name, column_name`)),
    // A down() may bring a CHECK back NOT VALID where rows that can never change (the append-only
    // audit trail) were written under the newer rule; it holds for every new row all the same.
    ...(await q(`SELECT conrelid::regclass::text, conname, replace(pg_get_constraintdef(oid), ' NOT VALID', '')
                   FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'migrations'
                  ORDER BY 1, 2`)),
    ...(await q(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`)),
    ...(await q(`SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
                   FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`)),
    ...(await q(`SELECT proname, pg_get_function_identity_arguments(oid), md5(prosrc)
                   FROM pg_proc p WHERE pronamespace = 'public'::regnamespace
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                  ORDER BY 1, 2`)),
    ...(await q(`SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND sequencename NOT LIKE 'migrations%' ORDER BY 1`)),
  );
  return parts.join('\n');
}

describe('migrations', () => {
  const name = `calbridge_test_${process.env[TEST_ENV.runId] ?? 'x'}_mig_${randomBytes(3).toString('hex')}`;
  const url = withDatabase(testPgUrl(), name);
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabaseExists(url);
    ds = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS, migrationsTableName: 'migrations', logging: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(testPgUrl(), name);
  });

  it('every migration goes up, down and up again, and each down() restores the schema before it', async () => {
    // Up one at a time (a data source that knows only the first i + 1 migrations), remembering
    // the schema before each step.
    const before: string[] = [];
    for (let i = 0; i < MIGRATIONS.length; i++) {
      before.push(await schemaOf(ds));
      const step = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS.slice(0, i + 1), migrationsTableName: 'migrations', logging: false });
      await step.initialize();
      try {
        expect(await step.runMigrations({ transaction: 'each' })).toHaveLength(1);
      } finally {
        await step.destroy();
      }
    }
    const full = await schemaOf(ds);
    expect(full).toMatch(/sync_channels/);

    // Down, newest first: each down() gives back exactly the schema its up() started from.
    for (let i = MIGRATIONS.length - 1; i >= 0; i--) {
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await schemaOf(ds)).toBe(before[i]);
    }
    expect((await ds.query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(0);

    // And up again: the same schema as the first time.
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await schemaOf(ds)).toBe(full);
  });
});
