/** Names the global setup hands to test files through the environment. */
export const TEST_ENV = {
  runId: 'CALBRIDGE_TEST_RUN_ID',
  templateDb: 'CALBRIDGE_TEST_TEMPLATE_DB',
  adminUrl: 'CALBRIDGE_TEST_PG_URL',
  redisUrl: 'CALBRIDGE_TEST_REDIS_URL',
} as const;

/** Postgres server the tests use (any database on it; test databases are created next to it). */
export const testPgUrl = (): string => process.env.CALBRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = (): string => process.env.CALBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
