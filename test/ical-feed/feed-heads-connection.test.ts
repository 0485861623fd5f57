import type { databaseConfig } from '@calbridge/database';
import { FeedHeadsConnection } from '@calbridge/ical-feed/testing';
import type { ConfigType } from '@nestjs/config';
import { Client } from 'pg';
import { testPgUrl } from '../support/test-env';

/**
 * The feed lookup connection is shared by the batched head lookups and the renderer's head
 * reads; a pg Client must never be handed a query while another one runs on it.
 */
describe('FeedHeadsConnection', () => {
  it('runs one query at a time on its connection, however many callers ask at once, and survives a failed one', async () => {
    const connection = new FeedHeadsConnection({ url: testPgUrl() } as ConfigType<typeof databaseConfig>);
    let running = 0;
    let most = 0;
    const original = Client.prototype.query;
    const query = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      running++;
      most = Math.max(most, running);
      const result = (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      void result.then(
        () => running--,
        () => running--,
      );
      return result as never;
    });
    try {
      const sql = 'SELECT pg_sleep(0.02), $1::int AS n';
      const asked = [1, 2, 3, 4, 5, 6].map((n) => connection.query('test_feed_heads_sleep', sql, [n]));
      const failing = connection.query('test_feed_heads_fail', 'SELECT 1 / $1::int AS n', [0]);
      const after = connection.query('test_feed_heads_sleep', sql, [7]);
      const rows = await Promise.all(asked);
      expect(rows.map((r) => r[0].n)).toEqual([1, 2, 3, 4, 5, 6]);
      await expect(failing).rejects.toThrow(/division by zero/);
      expect((await after)[0].n).toBe(7);
      expect(query).toHaveBeenCalledTimes(8);
      expect(most).toBe(1);
    } finally {
      query.mockRestore();
      await connection.onApplicationShutdown();
    }
  });
});
