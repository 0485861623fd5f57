import { configureApiApp, mintToken, DEV_SECRETS } from '@calbridge/core';
import { dropDatabase, migrateDatabase, withDatabase } from '@calbridge/database';
import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { freePort } from '../../test/support/free-port';

/** Postgres server and Redis used by benchmarks (defaults: the local ones). */
export const benchPgUrl = (): string => process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const benchRedisUrl = (): string => process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchSystem {
  databaseUrl: string;
  baseUrl?: string;
  api?: NestExpressApplication;
  worker?: INestApplicationContext;
  token(role: 'admin' | 'dispatcher' | 'staff', sub?: string, venues?: string[]): string;
  stop(): Promise<void>;
}

/**
 * A migrated database of its own and, on request, the real api (listening on a free loopback
 * port) and worker, in this process. `prepare` fills the database before the api boots.
 */
export async function startBenchSystem(options: {
  name: string;
  api?: boolean;
  worker?: boolean;
  env?: Record<string, string>;
  prepare?: (databaseUrl: string) => Promise<void>;
}): Promise<BenchSystem> {
  const dbName = `calbridge_bench_${options.name}_${randomBytes(3).toString('hex')}`;
  // The api's port is chosen first so that PUBLIC_BASE_URL (webhooks, OAuth callbacks) names it.
  const port = await freePort();
  const databaseUrl = withDatabase(benchPgUrl(), dbName);
  await migrateDatabase(databaseUrl);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    REDIS_URL: benchRedisUrl(),
    QUEUE_PREFIX: `cbbench-${randomBytes(3).toString('hex')}`,
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...options.env,
  };
  Object.assign(process.env, env);
  let api: NestExpressApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let baseUrl: string | undefined;
  const logger = new ConsoleLogger({ logLevels: ['error', 'fatal'] });
  try {
    if (options.prepare) await options.prepare(databaseUrl);
    if (options.worker) worker = await NestFactory.createApplicationContext(WorkerModule, { logger });
    if (options.api !== false) {
      api = await NestFactory.create<NestExpressApplication>(ApiModule, { logger, bodyParser: false });
      configureApiApp(api);
      await api.listen(port, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    }
  } catch (error) {
    await api?.close().catch(() => undefined);
    await worker?.close().catch(() => undefined);
    await dropDatabase(benchPgUrl(), dbName).catch(() => undefined);
    throw error;
  }
  return {
    databaseUrl,
    baseUrl,
    api,
    worker,
    token: (role, sub, venues) =>
      mintToken(env.AUTH_JWT_SECRET ?? DEV_SECRETS.AUTH_JWT_SECRET, { role, sub: sub ?? `bench-${role}`, venues }),
    async stop() {
      await worker?.close();
      await api?.close();
      // BENCH_KEEP_DATABASE=1 leaves the filled database behind for EXPLAIN ANALYZE (named on stderr).
      if (process.env.BENCH_KEEP_DATABASE === '1') console.error(`kept database ${dbName}`);
      else await dropDatabase(benchPgUrl(), dbName);
    },
  };
}
