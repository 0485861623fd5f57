import { Job, Processor, Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';

/** Runs `processor` so that every line it logs carries `task: { id, queue, name, attempt }`. */
export function withTaskLogContext(processor: Processor): Processor {
  return (job: Job, ...rest) => {
    const root = PinoLogger.root;
    if (!root) return processor(job, ...rest);
    const logger = root.child({ task: { id: job.id, queue: job.queueName, name: job.name, attempt: job.attemptsMade + 1 } });
    return storage.run(new Store(logger), () => processor(job, ...rest));
  };
}

/**
 * Task leases: a worker holds each running task's lock for LOCK_DURATION_MS and renews it every
 * half of that while the task runs (BullMQ's heartbeat); every STALLED_INTERVAL_MS some worker
 * looks for tasks whose lock lapsed — their worker died (kill -9, power loss) — and puts them
 * back in line. A dead worker's tasks are thus running again within about 20 s, not minutes
 * (BullMQ's defaults are 30 s and 30 s).
 */
export const TASK_LOCK_DURATION_MS = 15_000;
export const TASK_STALLED_INTERVAL_MS = 5_000;

/**
 * The BullMQ worker calbridge's processors run in (set as @nestjs/bullmq's worker class by
 * QueueModule): every processor of the process, whichever lib registers it, logs inside its
 * task's context, as api lines carry `req.id`; task leases as above unless a processor sets its own.
 */
export class TaskContextWorker extends Worker {
  constructor(...[name, processor, options, ...rest]: ConstructorParameters<typeof Worker>) {
    super(
      name,
      typeof processor === 'function' ? withTaskLogContext(processor) : processor,
      { lockDuration: TASK_LOCK_DURATION_MS, stalledInterval: TASK_STALLED_INTERVAL_MS, ...((options ?? {}) as object) } as NonNullable<typeof options>,
      ...rest,
    );
  }
}
