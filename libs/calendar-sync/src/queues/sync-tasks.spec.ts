import { taskId, RetryLaterError, syncBackoffStrategy } from './sync-tasks';

describe('sync job ids and back-off', () => {
  it('builds deterministic BullMQ ids without ":"', () => {
    expect(taskId('push', 'c1', 'e42')).toBe('push-c1-e42');
    expect(taskId('pull', 'a:b')).toBe('pull-a_b');
  });

  it('waits what the engine asked for (Retry-After), else exponentially from one second', () => {
    expect(syncBackoffStrategy(1, 'sync', new RetryLaterError('429', 30_000))).toBe(30_000);
    expect(syncBackoffStrategy(1, 'sync', new Error('db down'))).toBe(1000);
    expect(syncBackoffStrategy(4, 'sync', new Error('db down'))).toBe(8000);
    expect(syncBackoffStrategy(30, 'sync')).toBe(300_000);
  });
});
