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
 * The BullMQ worker calbridge's processors run in (set as @nestjs/bullmq's worker class by
 * QueueModule): every processor of the process, whichever lib registers it, logs inside its
 * task's context, as api lines carry `req.id`.
 */
export class TaskContextWorker extends Worker {
  constructor(...[name, processor, ...rest]: ConstructorParameters<typeof Worker>) {
    super(name, typeof processor === 'function' ? withTaskLogContext(processor) : processor, ...rest);
  }
}
