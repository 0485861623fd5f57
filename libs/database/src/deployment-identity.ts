import { RedisService } from '@calbridge/core';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig } from './database.config';
import { databaseName } from './postgres-url';

const UNDEFINED_TABLE = '42P01';

/**
 * This deployment's identity: a random id stored in the database (table `deployment`), part of
 * every outbox task id, and bound to the queue prefix in Redis at boot. Two databases sharing one
 * Redis under the same `QUEUE_PREFIX` would consume each other's tasks (and drop each other's
 * events as duplicates); the second one to boot refuses to start instead.
 */
@Injectable()
export class DeploymentIdentity implements OnModuleInit {
  private readonly logger = new Logger(DeploymentIdentity.name);
  private value?: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
  ) {}

  /** The deployment id (available once the process has booted). */
  get id(): string {
    if (!this.value) throw new Error('The deployment identity is not loaded (the database is not migrated yet)');
    return this.value;
  }

  async onModuleInit(): Promise<void> {
    let rows: Array<{ id: string }>;
    try {
      rows = await this.dataSource.query('SELECT id FROM deployment');
    } catch (error) {
      // Not migrated yet: the pending-migration check at bootstrap explains what to do.
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return;
      throw error;
    }
    if (!rows[0]) throw new Error('The deployment table is empty; run "npm run migrate" to restore the identity row');
    this.value = rows[0].id;
    await this.bindQueuePrefix(rows[0].id);
  }

  private async bindQueuePrefix(id: string): Promise<void> {
    const key = this.redis.key('deployment');
    const database = `${new URL(this.db.url).host}/${databaseName(this.db.url)}`;
    const claimed = await this.redis.client.set(key, JSON.stringify({ id, database }), 'NX');
    if (claimed) {
      this.logger.log(`Queue prefix "${this.redis.key()}" bound to this deployment (${id})`);
      return;
    }
    const current = parseBinding(await this.redis.client.get(key));
    if (current?.id === id) return;
    throw new Error(
      [
        `The queue prefix "${this.redis.key()}" in Redis belongs to another deployment`,
        `(${current?.id ?? 'unknown id'}, database "${current?.database ?? 'unknown'}"); this database ("${database}") is deployment ${id}.`,
        'Sharing a prefix would hand one deployment\'s tasks to the other\'s workers. Give this deployment its own QUEUE_PREFIX,',
        `or, if the other database is gone for good and its queues are drained, release the prefix with: redis-cli DEL ${key}`,
      ].join(' '),
    );
  }
}

function parseBinding(raw: string | null): { id: string; database?: string } | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as { id?: unknown; database?: unknown };
    return typeof parsed.id === 'string' ? { id: parsed.id, database: typeof parsed.database === 'string' ? parsed.database : undefined } : null;
  } catch {
    return null;
  }
}
