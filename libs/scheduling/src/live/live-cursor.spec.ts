import { formatCursor, parseCursor, streamEventData, streamEventName } from './live-cursor';

describe('live cursor', () => {
  it('round-trips and refuses anything else', () => {
    expect(parseCursor(formatCursor({ xid: '7412', id: '15' }))).toEqual({ xid: '7412', id: '15' });
    expect(parseCursor(' 0012-3 ')).toEqual({ xid: '12', id: '3' });
    for (const bad of ['', '12', '12-', 'a-1', '1-2-3', '1;DROP', undefined, 42]) expect(parseCursor(bad)).toBeNull();
    expect(parseCursor(`${'9'.repeat(21)}-1`)).toBeNull();
  });

  it('names events as the contract does and carries ids only', () => {
    expect(streamEventName('job.assigned')).toBe('assignment.created');
    expect(streamEventName('job.unassigned')).toBe('assignment.deleted');
    expect(streamEventName('blocked_slots.synced')).toBe('blocked_slot.synced');
    expect(streamEventName('conflict.opened')).toBe('conflict.opened');
    expect(streamEventName('booking.created')).toBeNull();
    expect(
      streamEventData('connection.needs_reauth', 'c1', { connectionId: 'c1', staffId: 's1', accountEmail: 'a@b.c', reason: 'revoked' }),
    ).toEqual({ type: 'connection.needs_reauth', id: 'c1', connectionId: 'c1', staffId: 's1' });
  });
});
