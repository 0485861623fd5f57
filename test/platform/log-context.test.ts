import { CoreModule, QueueModule } from '@calbridge/core';
import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Job, Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { captureLogs } from '../ical-feed/support/capture-logs';
import { testRedisUrl } from '../support/test-env';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

const PROBE_QUEUE = 'log-context-probe';

@Processor(PROBE_QUEUE)
class ProbeProcessor extends WorkerHost {
  private readonly logger = new Logger('ProbeProcessor');
  async process(job: Job): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.log(`processing probe ${job.data.n}`);
  }
}

const linesWith = (text: string, needle: string) =>
  text
    .split('\n')
    .filter((l) => l.includes(needle))
    .map((l) => JSON.parse(l) as { req?: { id?: string }; task?: Record<string, unknown>; service?: string });

describe('structured logs carry request and task ids', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs?.restore());

  it('api: every line of a request carries its id; the answer echoes it', async () => {
    const system = await TestSystem.start({ env: { LOG_LEVEL: 'info' } });
    try {
      const given = await system.http().get('/v1/venues').set('X-Request-Id', 'req-from-proxy-0001').expect(401);
      expect(given.headers['x-request-id']).toBe('req-from-proxy-0001');
      const made = await system.http().get('/v1/venues').set('X-Request-Id', 'bad id with spaces').expect(401);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      await waitFor(() => expect(linesWith(logs.text(), 'req-from-proxy-0001').length).toBeGreaterThan(0));
      const line = linesWith(logs.text(), 'req-from-proxy-0001')[0];
      expect(line.req?.id).toBe('req-from-proxy-0001');
    } finally {
      await system.stop();
    }
  });

  it('worker: every line logged while a task is processed carries the task id, whatever lib owns the processor', async () => {
    const previous = { REDIS_URL: process.env.REDIS_URL, QUEUE_PREFIX: process.env.QUEUE_PREFIX, LOG_LEVEL: process.env.LOG_LEVEL };
    Object.assign(process.env, { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `cbtest-log-${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'info' });
    let app: INestApplicationContext | undefined;
    let queue: Queue | undefined;
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [CoreModule.forRoot('worker'), QueueModule.forRoot(), BullModule.registerQueue({ name: PROBE_QUEUE })],
        providers: [ProbeProcessor],
      }).compile();
      moduleRef.useLogger(moduleRef.get(PinoNestLogger));
      app = await moduleRef.init();
      queue = app.get<Queue>(getQueueToken(PROBE_QUEUE));
      const job = await queue.add('probe', { n: 7 }, { jobId: 'probe-task-7' });
      await waitFor(() => expect(linesWith(logs.text(), 'processing probe 7').length).toBe(1), { what: 'the processor to log' });
      const line = linesWith(logs.text(), 'processing probe 7')[0];
      expect(line.task).toEqual({ id: job.id, queue: PROBE_QUEUE, name: 'probe', attempt: 1 });
    } finally {
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await app?.close();
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
