import type { Job } from 'bullmq';
import { JobHandlers, TypedWorkerHost } from './typed-worker-host';

type Jobs = { name: 'a'; data: { n: number } } | { name: 'b'; data: { s: string } };

class Complete extends TypedWorkerHost<Jobs> {
  protected readonly jobNames = ['a', 'b'] as const;
  protected concurrency(): number {
    return 1;
  }
  protected handlers(): JobHandlers<Jobs> {
    return { a: async (job) => job.data.n * 2, b: async (job) => job.data.s.toUpperCase() };
  }
}

class Incomplete extends Complete {
  protected override handlers(): JobHandlers<Jobs> {
    return { a: async () => 1 } as unknown as JobHandlers<Jobs>;
  }
}

describe('TypedWorkerHost', () => {
  it('dispatches by job name', async () => {
    const host = new Complete();
    host.onModuleInit();
    await expect(host.process({ name: 'a', data: { n: 21 } } as Job)).resolves.toBe(42);
    await expect(host.process({ name: 'b', data: { s: 'x' } } as Job)).resolves.toBe('X');
  });

  it('refuses to start when a job name has no handler', () => {
    expect(() => new Incomplete().onModuleInit()).toThrow(/no handler for job\(s\) b; refusing to start/);
  });

  it('refuses unknown job names without retry', async () => {
    const host = new Complete();
    await expect(host.process({ name: 'zzz', data: {} } as Job)).rejects.toMatchObject({ name: 'UnrecoverableError' });
  });
});
