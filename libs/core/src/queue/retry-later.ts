/**
 * Thrown to have BullMQ retry a task after `delayMs` (a back-off the caller chose, or a provider's
 * Retry-After); read by {@link retryLaterBackoff}, the back-off strategy of every queue that uses it.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** BullMQ custom back-off: the delay the task asked for ({@link RetryLaterError}), else exponential from one second (capped at 5 minutes). */
export function retryLaterBackoff(attemptsMade: number, _type?: string, error?: Error): number {
  const asked = (error as { delayMs?: unknown } | undefined)?.delayMs;
  if (typeof asked === 'number' && Number.isFinite(asked) && asked >= 0) return asked;
  return Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), 300_000);
}
