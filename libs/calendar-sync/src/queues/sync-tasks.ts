import { retryLaterBackoff } from '@calbridge/core';

export { RetryLaterError } from '@calbridge/core';

/**
 * The calendar sync queues and, per queue, the typed union of its task names and payloads. (Queue
 * work is a "task" here; a "job" is a booking. BullMQ's own types keep their name, `Job`.)
 * Task ids are deterministic (dedupe) and never contain ':' (BullMQ forbids it in custom ids).
 */
export const SYNC_PUSH_QUEUE = 'calendar-sync-push';
export const SYNC_PULL_QUEUE = 'calendar-sync-pull';
export const SYNC_MAINTENANCE_QUEUE = 'calendar-sync-maintenance';
export const SYNC_CONFLICTS_QUEUE = 'calendar-sync-conflicts';

export type PushTask = { name: 'push.connection'; data: { connectionId: string; reason: string } };

export type PullTask = {
  name: 'pull.connection';
  data: {
    connectionId: string;
    /** Ignore cursors: list every calendar in full (resync, nightly reconcile). */
    full: boolean;
    /** With `full`: fetch every object again, even unchanged ones (re-expands recurrences as the window moves). */
    refetch: boolean;
    reason: string;
  };
};

export type MaintenanceTask =
  | { name: 'maintenance.tick'; data: Record<string, never> }
  | { name: 'maintenance.reconcile'; data: Record<string, never> }
  | { name: 'push.reconcile'; data: { connectionId: string; inventory: boolean } }
  | { name: 'connection.purge'; data: { connectionId: string; removePushedEvents: boolean } };

export type ConflictsTask = { name: 'conflicts.refresh'; data: { staffIds: string[] } };

export type QueueTask = { name: string; data: unknown };

export const PUSH_TASK_NAMES = ['push.connection'] as const satisfies ReadonlyArray<PushTask['name']>;
export const PULL_TASK_NAMES = ['pull.connection'] as const satisfies ReadonlyArray<PullTask['name']>;
export const MAINTENANCE_TASK_NAMES = ['maintenance.tick', 'maintenance.reconcile', 'push.reconcile', 'connection.purge'] as const satisfies ReadonlyArray<
  MaintenanceTask['name']
>;
export const CONFLICTS_TASK_NAMES = ['conflicts.refresh'] as const satisfies ReadonlyArray<ConflictsTask['name']>;

/** A BullMQ custom job id for a task, from parts: ':' is reserved by BullMQ, so parts are joined with '-'. */
export function taskId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('-');
}

/**
 * Thrown to put a task back in line until `at` (epoch ms) without spending one of its attempts
 * (the connection backs off, its slots are taken, or the provider named a Retry-After);
 * {@link TaskWorkerHost} moves the task to the delayed set.
 */
export class PostponeError extends Error {
  constructor(readonly at: number) {
    super(`postponed until ${new Date(at).toISOString()}`);
    this.name = 'PostponeError';
  }
}

/** The sync queues' back-off: what the engine asked for (RetryLaterError: the policy's delay, Retry-After), else exponential. */
export const syncBackoffStrategy = retryLaterBackoff;
