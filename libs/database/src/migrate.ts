import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureDatabaseExists } from './ensure-database';
import { MIGRATIONS } from './migrations';

/** Any constant works; it only has to be the same in every calbridge process. */
const MIGRATION_LOCK_KEY = 0x63616c62; // "calb"

export interface MigrationReport {
  createdDatabase: boolean;
  applied: string[];
}

/**
 * Creates the database if needed and applies pending migrations, holding a Postgres advisory
 * lock so that api, worker and CLI started together never migrate twice.
 */
export async function migrateDatabase(url: string): Promise<MigrationReport> {
  const createdDatabase = await ensureDatabaseExists(url);
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations: MIGRATIONS,
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'each',
      logging: false,
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return { createdDatabase, applied: applied.map((m) => m.name) };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** Names of migrations not yet applied (the api refuses to boot on an unmigrated database). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = await dataSource.query(`SELECT to_regclass('migrations') AS t`);
  const done = new Set<string>();
  if (table[0]?.t) {
    for (const row of await dataSource.query('SELECT name FROM migrations')) done.add(row.name);
  }
  return MIGRATIONS.map((m) => new m().name ?? m.name).filter((name) => !done.has(name));
}
