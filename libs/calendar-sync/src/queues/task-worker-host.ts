import { WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { SyncConfig, syncConfig } from '../sync.config';
import { PostponeError, QueueTask } from './sync-tasks';

/** One handler per task name of a queue's union, typed by that name's payload. */
export type TaskHandlers<J extends QueueTask> = {
  [N in J['name']]: (job: Job<Extract<J, { name: N }>['data']>) => Promise<unknown>;
};

/**
 * A queue's one WorkerHost: dispatches by task name to typed handlers, refuses to start when a
 * declared task name has no handler, refuses (without retry) a task whose name it does not know,
 * puts a task that throws {@link PostponeError} back in line without spending an attempt, and
 * runs `concurrency` tasks at once.
 */
export abstract class TaskWorkerHost<J extends QueueTask> extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private table?: Record<string, (job: Job) => Promise<unknown>>;
  @Inject(syncConfig.KEY) private readonly syncSettings?: SyncConfig;

  /** Every task name the queue carries. */
  protected abstract readonly taskNames: ReadonlyArray<J['name']>;
  protected abstract handlers(): TaskHandlers<J>;
  /**
   * How many tasks of this queue one worker runs at once: a number, or a function of
   * SYNC_WORKER_CONCURRENCY. Default: SYNC_WORKER_CONCURRENCY.
   */
  protected readonly concurrency: number | ((workerConcurrency: number) => number) = (n) => n;

  onModuleInit(): void {
    this.dispatchTable();
  }

  /** Built once; throws (and so stops the boot) when a declared task name has no handler. */
  private dispatchTable(): Record<string, (job: Job) => Promise<unknown>> {
    if (this.table) return this.table;
    const table = this.handlers() as unknown as Record<string, (job: Job) => Promise<unknown>>;
    const missing = this.taskNames.filter((name) => typeof table[name] !== 'function');
    if (missing.length) throw new Error(`${this.constructor.name} has no handler for task(s) ${missing.join(', ')}; refusing to start`);
    this.table = table;
    return table;
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.workerConcurrency();
  }

  /** The concurrency this host asks for, resolved against the configuration. */
  workerConcurrency(): number {
    const base = this.syncSettings?.queues.workerConcurrency ?? 1;
    return Math.max(1, typeof this.concurrency === 'number' ? this.concurrency : this.concurrency(base));
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.dispatchTable()[job.name];
    if (!handler) throw new UnrecoverableError(`${this.constructor.name} has no handler for task "${job.name}"`);
    try {
      return await handler(job);
    } catch (error) {
      if (!(error instanceof PostponeError)) throw error;
      await job.moveToDelayed(error.at, token);
      throw new DelayedError();
    }
  }
}
