import { Client } from 'pg';
import { databaseName, quoteIdent, withDatabase } from './postgres-url';

const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database named by `url` when it does not exist (development convenience: the
 * default DATABASE_URL points at a database a fresh Postgres does not have). Returns true when
 * it created one. Safe to run concurrently.
 */
export async function ensureDatabaseExists(url: string, options: { template?: string } = {}): Promise<boolean> {
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      const template = options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : '';
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}${template}`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false;
      throw error;
    }
  } finally {
    await admin.end();
  }
}

/** Drops a database, disconnecting its sessions first (tests and benchmarks clean up with it). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
