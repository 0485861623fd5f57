import { WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type { QueueJob } from './sync-jobs';

/** One handler per job name of a queue's union, typed by that name's payload. */
export type JobHandlers<J extends QueueJob> = {
  [N in J['name']]: (job: Job<Extract<J, { name: N }>['data']>, token?: string) => Promise<unknown>;
};

/**
 * A queue's one WorkerHost: dispatches by job name to typed handlers, refuses to start when a
 * declared job name has no handler, and refuses (without retry) a job whose name it does not know.
 */
export abstract class TypedWorkerHost<J extends QueueJob> extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private table?: Record<string, (job: Job, token?: string) => Promise<unknown>>;

  /** Every job name the queue carries. */
  protected abstract readonly jobNames: ReadonlyArray<J['name']>;
  protected abstract handlers(): JobHandlers<J>;
  /** How many jobs of this queue one worker runs at once. */
  protected abstract concurrency(): number;

  onModuleInit(): void {
    this.dispatchTable();
  }

  /** Built once; throws (and so stops the boot) when a declared job name has no handler. */
  private dispatchTable(): Record<string, (job: Job, token?: string) => Promise<unknown>> {
    if (this.table) return this.table;
    const table = this.handlers() as unknown as Record<string, (job: Job, token?: string) => Promise<unknown>>;
    const missing = this.jobNames.filter((name) => typeof table[name] !== 'function');
    if (missing.length) throw new Error(`${this.constructor.name} has no handler for job(s) ${missing.join(', ')}; refusing to start`);
    this.table = table;
    return table;
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.dispatchTable()[job.name];
    if (!handler) throw new UnrecoverableError(`${this.constructor.name} has no handler for job "${job.name}"`);
    return handler(job, token);
  }
}
