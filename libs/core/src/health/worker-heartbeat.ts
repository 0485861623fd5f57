import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { RedisService } from '../redis/redis.module';

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 30;

export interface HeartbeatRecord {
  instance: string;
  at: string;
}

/** The worker writes a heartbeat to Redis; `GET /health` reports the worker down when it stops. */
@Injectable()
export class WorkerHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeatService.name);
  private readonly instance = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {}

  static key(redis: RedisService): string {
    return redis.key('worker', 'heartbeat');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'Worker heartbeat failed'));
    }, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    const record: HeartbeatRecord = { instance: this.instance, at: new Date().toISOString() };
    await this.redis.client.set(WorkerHeartbeatService.key(this.redis), JSON.stringify(record), 'EX', HEARTBEAT_TTL_SECONDS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }
}

/** Reads the latest heartbeat (api side). */
export async function readWorkerHeartbeat(redis: RedisService): Promise<HeartbeatRecord | null> {
  const raw = await redis.client.get(WorkerHeartbeatService.key(redis));
  return raw ? (JSON.parse(raw) as HeartbeatRecord) : null;
}
