import { mintToken, MintTokenOptions, DEV_SECRETS, configureApiApp } from '@calbridge/core';
import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { Factory } from './factory';
import { freePort } from './free-port';
import { createTestDatabase } from './test-database';
import { TEST_ENV, testRedisUrl } from './test-env';

export interface TestSystemOptions {
  /** Boot the HTTP api (default true). */
  api?: boolean;
  /** Boot the worker (default false). */
  worker?: boolean;
  /**
   * Listen on a free loopback port (needed when something outside calls the api, e.g. webhooks).
   * PUBLIC_BASE_URL then names that port (unless `env` sets it), so webhook and OAuth callback
   * URLs handed to providers reach this api.
   */
  listen?: boolean;
  /** Extra environment for this system (configuration names as in API.md). */
  env?: Record<string, string>;
  /** Adjust the api's or worker's providers (e.g. a fault-injecting wrapper). */
  overrideApi?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  overrideWorker?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface HttpClient {
  get(path: string): request.Test;
  head(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

/**
 * calbridge as it runs in production — the real ApiModule and WorkerModule, real Postgres
 * (a database of its own) and Redis (a queue prefix of its own) — inside the test process.
 */
export class TestSystem {
  api?: NestExpressApplication;
  worker?: INestApplicationContext;
  /** Base URL when started with `listen: true`. */
  baseUrl?: string;
  readonly factory: Factory;

  private constructor(
    readonly databaseUrl: string,
    readonly queuePrefix: string,
    readonly env: Record<string, string>,
    private readonly dropDatabase: () => Promise<void>,
    private readonly previousEnv: Record<string, string | undefined>,
    context: INestApplicationContext,
  ) {
    this.factory = new Factory(context);
  }

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const db = await createTestDatabase();
    const queuePrefix = `cbtest-${process.env[TEST_ENV.runId]}-${randomBytes(3).toString('hex')}`;
    const port = options.listen ? await freePort() : 0;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: queuePrefix,
      PORT: '0',
      OUTBOX_POLL_INTERVAL_MS: '200',
      PUBLIC_BASE_URL: options.listen ? `http://127.0.0.1:${port}` : 'http://127.0.0.1:3000',
      ...options.env,
    };
    const previousEnv: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(env)) {
      previousEnv[key] = process.env[key];
      process.env[key] = value;
    }

    let api: NestExpressApplication | undefined;
    let worker: INestApplicationContext | undefined;
    let baseUrl: string | undefined;
    try {
      if (options.worker) {
        let builder = Test.createTestingModule({ imports: [WorkerModule] }).setLogger(quietLogger());
        if (options.overrideWorker) builder = options.overrideWorker(builder);
        const moduleRef = await builder.compile();
        moduleRef.useLogger(moduleRef.get(Logger));
        worker = await moduleRef.init();
      }
      if (options.api !== false) {
        let builder = Test.createTestingModule({ imports: [ApiModule] }).setLogger(quietLogger());
        if (options.overrideApi) builder = options.overrideApi(builder);
        const moduleRef = await builder.compile();
        api = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
        api.useLogger(api.get(Logger));
        configureApiApp(api);
        if (options.listen) {
          await api.listen(port, '127.0.0.1');
          const address = api.getHttpServer().address() as AddressInfo;
          baseUrl = `http://127.0.0.1:${address.port}`;
        } else {
          await api.init();
        }
      }
    } catch (error) {
      await api?.close().catch(() => undefined);
      await worker?.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
      restoreEnv(previousEnv);
      throw error;
    }
    const system = new TestSystem(db.url, queuePrefix, env, db.drop, previousEnv, (api ?? worker)!);
    system.api = api;
    system.worker = worker;
    system.baseUrl = baseUrl;
    return system;
  }

  /** The api's (or else the worker's) container. */
  get app(): INestApplicationContext {
    return (this.api ?? this.worker)!;
  }

  get dataSource(): DataSource {
    return this.app.get<DataSource>(getDataSourceToken());
  }

  get<T>(token: unknown): T {
    return this.app.get(token as never) as T;
  }

  token(options: Omit<MintTokenOptions, 'sub'> & { sub?: string }): string {
    return mintToken(this.env.AUTH_JWT_SECRET ?? DEV_SECRETS.AUTH_JWT_SECRET, {
      sub: options.sub ?? `test-${options.role}`,
      ...options,
    });
  }

  adminToken(): string {
    return this.token({ role: 'admin' });
  }

  dispatcherToken(...venueIds: string[]): string {
    return this.token({ role: 'dispatcher', venues: venueIds });
  }

  staffToken(staffId: string): string {
    return this.token({ role: 'staff', sub: staffId });
  }

  /** HTTP against the api, optionally with a bearer token. */
  http(token?: string): HttpClient {
    if (!this.api) throw new Error('This test system has no api');
    const server = this.api.getHttpServer();
    const auth = (t: request.Test) => (token ? t.set('Authorization', `Bearer ${token}`) : t);
    return {
      get: (path) => auth(request(server).get(path)),
      head: (path) => auth(request(server).head(path)),
      post: (path, body) => auth(request(server).post(path)).send(body),
      patch: (path, body) => auth(request(server).patch(path)).send(body),
      put: (path, body) => auth(request(server).put(path)).send(body),
      delete: (path) => auth(request(server).delete(path)),
    };
  }

  /** Stops the worker first (it drains), then the api, then drops the database. */
  async stop(): Promise<void> {
    try {
      await this.worker?.close();
      this.worker = undefined;
      await this.api?.close();
      this.api = undefined;
    } finally {
      await this.dropDatabase();
      restoreEnv(this.previousEnv);
    }
  }

  /** Starts (another) worker on this system's database and queues, e.g. after a simulated crash. */
  async startWorker(
    overrideWorker?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
    env: Record<string, string> = {},
  ): Promise<INestApplicationContext> {
    const extra: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(this.env)) process.env[key] = value;
    for (const [key, value] of Object.entries(env)) {
      extra[key] = process.env[key];
      process.env[key] = value;
    }
    try {
      let builder = Test.createTestingModule({ imports: [WorkerModule] }).setLogger(quietLogger());
      if (overrideWorker) builder = overrideWorker(builder);
      const moduleRef = await builder.compile();
      moduleRef.useLogger(moduleRef.get(Logger));
      return await moduleRef.init();
    } finally {
      restoreEnv(extra);
    }
  }
}

function quietLogger(): ConsoleLogger {
  return new ConsoleLogger({ logLevels: ['error', 'fatal'] });
}

function restoreEnv(previous: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
