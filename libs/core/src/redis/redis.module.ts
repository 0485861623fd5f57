import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { redisConfig } from '../config/core.config';

/**
 * One shared ioredis connection for small things (health checks, heartbeats, rate-limit
 * counters). BullMQ manages its own connections.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(redisConfig.KEY) private readonly config: ConfigType<typeof redisConfig>) {
    // lazyConnect: no network in constructors; the first command connects.
    this.client = new Redis(config.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  /** Namespaced key: `<QUEUE_PREFIX>:<parts...>`, so deployments and test runs never collide. */
  key(...parts: string[]): string {
    return [this.config.queuePrefix, ...parts].join(':');
  }

  /**
   * Counts one more hit on `key` in a fixed window that starts with the first hit: the count so
   * far and the seconds until the window ends (rate limits shared by every process).
   */
  async countInWindow(key: string, windowSeconds: number): Promise<{ count: number; ttl: number }> {
    const result = await this.client.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec();
    const ttl = Number(result?.[2]?.[1] ?? windowSeconds);
    return { count: Number(result?.[0]?.[1] ?? 0), ttl: ttl > 0 ? ttl : windowSeconds };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'wait' || this.client.status === 'end') {
      this.client.disconnect();
      return;
    }
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}

