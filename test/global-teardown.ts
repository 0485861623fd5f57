import { dropDatabase } from '../libs/database/src/ensure-database';
import { withDatabase } from '../libs/database/src/postgres-url';
import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_ENV, testPgUrl, testRedisUrl } from './support/test-env';

/** Drops every database of this run and deletes its Redis keys (files clean up after themselves too). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env[TEST_ENV.runId];
  if (!runId) return;
  const pgUrl = testPgUrl();
  const client = new Client({ connectionString: withDatabase(pgUrl, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`calbridge_test_${runId}_%`],
    );
    for (const { datname } of rows) await dropDatabase(pgUrl, datname);
  } finally {
    await client.end();
  }
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `cbtest-${runId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
