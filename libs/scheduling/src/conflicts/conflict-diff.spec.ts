import { diffConflicts, LiveConflict, OverlapPair, pairKey } from './conflict-diff';

const t = (h: number) => new Date(Date.UTC(2026, 2, 29, h));

const pair = (over: Partial<OverlapPair> = {}): OverlapPair => ({
  jobId: 'j1',
  staffId: 's1',
  venueId: 'v1',
  slotId: 'b1',
  slotSource: 'manual',
  jobStartsAt: t(10),
  jobEndsAt: t(12),
  slotStartsAt: t(11),
  slotEndsAt: t(13),
  ...over,
});

const live = (over: Partial<LiveConflict> = {}): LiveConflict => ({
  id: 'c1',
  jobId: 'j1',
  staffId: 's1',
  venueId: 'v1',
  slotId: 'b1',
  status: 'open',
  jobStartsAt: t(10),
  jobEndsAt: t(12),
  slotStartsAt: t(11),
  slotEndsAt: t(13),
  ...over,
});

describe('diffConflicts', () => {
  it('opens conflicts for new overlaps', () => {
    const diff = diffConflicts([pair()], [], new Set());
    expect(diff.toOpen).toHaveLength(1);
    expect(diff.toResolve).toHaveLength(0);
  });

  it('keeps an unchanged live conflict untouched', () => {
    const diff = diffConflicts([pair()], [live()], new Set());
    expect(diff).toEqual({ toOpen: [], toResolve: [], toRefresh: [], toOverride: [] });
  });

  it('resolves live conflicts whose overlap disappeared', () => {
    const diff = diffConflicts([], [live(), live({ id: 'c2', slotId: null })], new Set());
    expect(diff.toResolve.map((c) => c.id)).toEqual(['c1', 'c2']);
  });

  it('refreshes snapshots when either side moved but still overlaps', () => {
    const diff = diffConflicts([pair({ slotStartsAt: t(9) })], [live()], new Set());
    expect(diff.toRefresh).toHaveLength(1);
    expect(diff.toOpen).toHaveLength(0);
  });

  it('overrides open conflicts named by the caller, and only those', () => {
    const other = pair({ slotId: 'b2' });
    const diff = diffConflicts(
      [pair(), other],
      [live(), live({ id: 'c2', slotId: 'b2' })],
      new Set([pairKey('j1', 's1', 'b1')]),
    );
    expect(diff.toOverride.map((c) => c.id)).toEqual(['c1']);
  });

  it('does not re-override an already overridden conflict', () => {
    const diff = diffConflicts([pair()], [live({ status: 'overridden' })], new Set([pairKey('j1', 's1', 'b1')]));
    expect(diff.toOverride).toHaveLength(0);
  });
});
