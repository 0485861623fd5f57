import type { Job } from 'bullmq';
import { PostponeError } from './sync-tasks';
import { TaskHandlers, TaskWorkerHost } from './task-worker-host';

type Jobs = { name: 'a'; data: { n: number } } | { name: 'b'; data: { s: string } };

class Complete extends TaskWorkerHost<Jobs> {
  protected readonly taskNames = ['a', 'b'] as const;
  protected override readonly concurrency: number | ((n: number) => number) = 3;
  protected handlers(): TaskHandlers<Jobs> {
    return { a: async (job) => job.data.n * 2, b: async (job) => job.data.s.toUpperCase() };
  }
}

class Incomplete extends Complete {
  protected override handlers(): TaskHandlers<Jobs> {
    return { a: async () => 1 } as unknown as TaskHandlers<Jobs>;
  }
}

describe('TaskWorkerHost', () => {
  it('dispatches by task name', async () => {
    const host = new Complete();
    host.onModuleInit();
    await expect(host.process({ name: 'a', data: { n: 21 } } as Job)).resolves.toBe(42);
    await expect(host.process({ name: 'b', data: { s: 'x' } } as Job)).resolves.toBe('X');
  });

  it('refuses to start when a task name has no handler', () => {
    expect(() => new Incomplete().onModuleInit()).toThrow(/no handler for task\(s\) b; refusing to start/);
  });

  it('refuses unknown job names without retry', async () => {
    const host = new Complete();
    await expect(host.process({ name: 'zzz', data: {} } as Job)).rejects.toMatchObject({ name: 'UnrecoverableError' });
  });

  it('puts a postponed task back in line (no attempt spent) and tells BullMQ it moved', async () => {
    class Postponing extends Complete {
      protected override handlers(): TaskHandlers<Jobs> {
        return { a: async () => { throw new PostponeError(1_234); }, b: async () => 'x' };
      }
    }
    const moves: Array<[number, string | undefined]> = [];
    const job = { name: 'a', data: { n: 1 }, moveToDelayed: async (at: number, token?: string) => void moves.push([at, token]) } as unknown as Job;
    await expect(new Postponing().process(job, 'lock-token')).rejects.toMatchObject({ name: 'DelayedError' });
    expect(moves).toEqual([[1_234, 'lock-token']]);
  });

  it('runs as many tasks at once as asked: a number, or a share of SYNC_WORKER_CONCURRENCY (the default)', () => {
    class Halves extends Complete {
      protected override readonly concurrency = (n: number) => Math.ceil(n / 2);
    }
    class Default extends Complete {
      protected override readonly concurrency = (n: number) => n;
    }
    // What Nest injects (the sync configuration), set by hand here.
    const configured = <T extends object>(host: T): T => Object.assign(host, { syncSettings: { queues: { workerConcurrency: 8 } } });
    expect(new Complete().workerConcurrency()).toBe(3);
    expect(configured(new Halves()).workerConcurrency()).toBe(4);
    expect(configured(new Default()).workerConcurrency()).toBe(8);
  });
});
