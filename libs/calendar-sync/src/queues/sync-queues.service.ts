import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { syncConfig } from '../sync.config';
import {
  ConflictsTask,
  taskId,
  MaintenanceTask,
  PullTask,
  PushTask,
  SYNC_CONFLICTS_QUEUE,
  SYNC_MAINTENANCE_QUEUE,
  SYNC_PULL_QUEUE,
  SYNC_PUSH_QUEUE,
} from './sync-tasks';

const STAFF_CHUNK = 200;

/** Producer side of the sync queues (api and worker): typed tasks, deterministic ids, one retry policy. */
@Injectable()
export class SyncQueues {
  constructor(
    @InjectQueue(SYNC_PUSH_QUEUE) private readonly push: Queue,
    @InjectQueue(SYNC_PULL_QUEUE) private readonly pull: Queue,
    @InjectQueue(SYNC_MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    @InjectQueue(SYNC_CONFLICTS_QUEUE) private readonly conflicts: Queue,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  /** The queues, for schedulers and tests. */
  get all(): Record<'push' | 'pull' | 'maintenance' | 'conflicts', Queue> {
    return { push: this.push, pull: this.pull, maintenance: this.maintenance, conflicts: this.conflicts };
  }

  /** Work through a connection's pending pushes. `dedupe` names the cause (an event id, a tick). */
  async kickPush(connectionIds: string[], reason: string, dedupe: string): Promise<void> {
    if (!connectionIds.length) return;
    await this.push.addBulk(
      [...new Set(connectionIds)].map((connectionId) => ({
        name: 'push.connection' satisfies PushTask['name'],
        data: { connectionId, reason } satisfies PushTask['data'],
        opts: this.options(taskId('push', connectionId, dedupe)),
      })),
    );
  }

  async requestPull(connectionId: string, data: Omit<PullTask['data'], 'connectionId'>, dedupe: string): Promise<void> {
    await this.pull.add('pull.connection' satisfies PullTask['name'], { connectionId, ...data } satisfies PullTask['data'], this.options(taskId('pull', connectionId, dedupe)));
  }

  /**
   * The cron fallback's pull (task id per tick). Deduplicated per connection: while the pull an
   * earlier tick queued has not finished (waiting behind busy workers, or running), the
   * connection stays due but a tick adds nothing; the first tick after it finished queues the next.
   */
  async requestTickPull(connectionId: string, dedupe: string): Promise<void> {
    const data: PullTask['data'] = { connectionId, full: false, refetch: false, reason: 'tick' };
    await this.pull.add('pull.connection' satisfies PullTask['name'], data, {
      ...this.options(taskId('pull', connectionId, dedupe)),
      deduplication: { id: taskId('pull-tick', connectionId) },
    });
  }

  /**
   * A pull woken by a push notification. Deduplicated per connection: while one waits, more
   * notifications change nothing; one arriving while it runs queues exactly one more (it may
   * have listed the calendar before that change), so a burst costs a pull or two and loses nothing.
   */
  async requestNotifiedPull(connectionId: string, data: Omit<PullTask['data'], 'connectionId'>): Promise<void> {
    await this.pull.add('pull.connection' satisfies PullTask['name'], { connectionId, ...data } satisfies PullTask['data'], {
      ...this.options(taskId('pull', connectionId, 'n', randomUUID())),
      deduplication: { id: taskId('pull-notified', connectionId, data.full ? 'full' : 'changes'), keepLastIfActive: true },
    });
  }

  async requestMaintenance<J extends MaintenanceTask>(name: J['name'], data: J['data'], dedupe: string): Promise<void> {
    await this.maintenance.add(name, data, this.options(taskId(name.replace('.', '-'), dedupe)));
  }

  async refreshConflicts(staffIds: string[], dedupe: string): Promise<void> {
    const ids = [...new Set(staffIds)].sort();
    const tasks = [];
    for (let i = 0; i < ids.length; i += STAFF_CHUNK) {
      const chunk = ids.slice(i, i + STAFF_CHUNK);
      tasks.push({
        name: 'conflicts.refresh' satisfies ConflictsTask['name'],
        data: { staffIds: chunk } satisfies ConflictsTask['data'],
        opts: this.options(taskId('conflicts', dedupe, i / STAFF_CHUNK)),
      });
    }
    if (tasks.length) await this.conflicts.addBulk(tasks);
  }

  private options(id: string): JobsOptions {
    return {
      jobId: id,
      attempts: this.config.queues.maxAttempts,
      backoff: { type: 'sync' },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }
}
