import { registerAs } from '@nestjs/config';
import { currentEnv } from '@calbridge/core';

export const databaseConfig = registerAs('database', () => {
  const env = currentEnv();
  return { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, logQueries: env.DATABASE_LOG_QUERIES };
});
