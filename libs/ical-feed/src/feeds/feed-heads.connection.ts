import { databaseConfig } from '@calbridge/database';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Client } from 'pg';

/**
 * One Postgres connection of its own for the feed head lookups: every poll of every feed waits
 * for one of these (batched by FeedLookupLoader), so they skip the pool's checkout and TypeORM's
 * per-query work, and run as a named (prepared) statement. Connected on first use, replaced after
 * an error, closed at shutdown. Queries run one at a time (queued here, see query()), which is
 * also what batching wants: polls arriving during a lookup join the next one.
 */
@Injectable()
export class FeedHeadsConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(FeedHeadsConnection.name);
  private client?: Promise<Client>;
  private closed = false;
  /** Settles when the last query asked for has. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>) {}

  /**
   * Runs after every query asked for before it has finished: the batched lookups and the
   * renderer's head reads (FeedJobsRepository) share the connection, and a pg Client given a
   * query while one runs queues it itself — deprecated in pg 8 ("client.query() when the client
   * is already executing a query"), gone in pg 9.
   */
  query(name: string, text: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
    const run = this.tail.then(async () => {
      const client = await this.connect();
      return (await client.query({ name, text, values })).rows;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  private connect(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('The feed lookup connection is closed'));
    if (!this.client) {
      const client = new Client({ connectionString: this.db.url, application_name: 'calbridge-feed-lookups' });
      const forget = (error?: Error) => {
        if (error) this.logger.warn({ err: error }, 'Feed lookup connection lost; the next poll reconnects');
        if (this.client === connecting) this.client = undefined;
        client.end().catch(() => undefined);
      };
      client.on('error', forget);
      client.on('end', () => forget());
      const connecting: Promise<Client> = client.connect().then(
        () => client,
        (error: Error) => {
          forget(error);
          throw error;
        },
      );
      this.client = connecting;
    }
    return this.client;
  }
}
