import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { trustEmulatorCaInWorkers } from './support/emulator-ca';
import { TEST_ENV, testPgUrl, testRedisUrl } from './support/test-env';
import { ensureWebBuild } from './support/web-build';

/**
 * Once per `npm test`: checks that Postgres and Redis answer, and builds a template database
 * with every migration applied. Each test file clones it (CREATE DATABASE ... TEMPLATE), so
 * files never see each other's rows and migrations run once.
 */
export default async function globalSetup(): Promise<void> {
  // Before any worker starts: workers inherit NODE_EXTRA_CA_CERTS and trust the Graph emulator.
  trustEmulatorCaInWorkers();
  ensureWebBuild();
  const pgUrl = testPgUrl();
  const client = new Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `Tests need Postgres at ${pgUrl} (set CALBRIDGE_TEST_PG_URL to use another): ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Tests need Redis at ${testRedisUrl()} (set CALBRIDGE_TEST_REDIS_URL): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }

  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = `calbridge_test_${runId}_tpl`;
  const { migrateDatabase, withDatabase } = await importDatabaseLib();
  await migrateDatabase(withDatabase(pgUrl, template));
  process.env[TEST_ENV.runId] = runId;
  process.env[TEST_ENV.templateDb] = template;
}

/**
 * @calbridge/database through its door. Jest's moduleNameMapper applies inside test files only,
 * so the global setup resolves the `@calbridge/*` paths of tsconfig.json itself before loading it.
 */
async function importDatabaseLib(): Promise<typeof import('@calbridge/database')> {
  const { register } = await import('tsconfig-paths');
  const root = join(__dirname, '..');
  const { compilerOptions } = (await import(join(root, 'tsconfig.json'))) as { compilerOptions: { paths: Record<string, string[]> } };
  register({ baseUrl: root, paths: compilerOptions.paths });
  return import('@calbridge/database');
}
