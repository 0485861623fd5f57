import { RedisService } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { syncConfig } from '../sync.config';

/** Renewed every third of it while held: a holder that dies (kill -9) frees its slot within this. */
const LEASE_MS = 15_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface Lease {
  release(): Promise<void>;
}

/**
 * At most N (SYNC_CONNECTION_CONCURRENCY) jobs work on one connection at a time, across every
 * worker process: one account is never hammered. Slots are Redis keys with an owner token and a
 * lease that is renewed while held and expires if the holder dies.
 */
@Injectable()
export class ConnectionSemaphore {
  constructor(
    private readonly redis: RedisService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  async tryAcquire(connectionId: string): Promise<Lease | null> {
    const token = randomUUID();
    for (let slot = 0; slot < this.config.queues.connectionConcurrency; slot++) {
      const key = this.redis.key('sync', 'connection-slot', connectionId, String(slot));
      const ok = await this.redis.client.set(key, token, 'PX', LEASE_MS, 'NX');
      if (ok !== 'OK') continue;
      const timer = setInterval(() => {
        this.redis.client.eval(EXTEND, 1, key, token, String(LEASE_MS)).catch(() => undefined);
      }, LEASE_MS / 3);
      timer.unref();
      return {
        release: async () => {
          clearInterval(timer);
          await this.redis.client.eval(RELEASE, 1, key, token).catch(() => undefined);
        },
      };
    }
    return null;
  }
}
