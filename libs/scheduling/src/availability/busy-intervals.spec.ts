import { BusyItem, mergeBusy } from './busy-intervals';

const at = (h: number, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m));
const item = (id: string, from: Date, to: Date, type: BusyItem['type'] = 'job'): BusyItem => ({ type, id, startsAt: from, endsAt: to });

describe('mergeBusy', () => {
  it('returns nothing for nothing', () => {
    expect(mergeBusy([])).toEqual([]);
  });

  it('keeps disjoint items apart, in time order', () => {
    const merged = mergeBusy([item('b', at(14), at(15)), item('a', at(9), at(10))]);
    expect(merged.map((i) => [i.startsAt.getUTCHours(), i.endsAt.getUTCHours()])).toEqual([
      [9, 10],
      [14, 15],
    ]);
  });

  it('merges overlapping and touching items and lists every source', () => {
    const merged = mergeBusy([
      item('job1', at(9), at(11)),
      item('slot1', at(10), at(12), 'blocked_slot'),
      item('job2', at(12), at(13)),
      item('slot2', at(15), at(16), 'blocked_slot'),
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0].startsAt).toEqual(at(9));
    expect(merged[0].endsAt).toEqual(at(13));
    expect(merged[0].sources.map((s) => s.id)).toEqual(['job1', 'slot1', 'job2']);
    expect(merged[1].sources.map((s) => s.id)).toEqual(['slot2']);
  });

  it('keeps the later end when a contained item comes after a long one', () => {
    const merged = mergeBusy([item('long', at(8), at(18)), item('inner', at(9), at(10))]);
    expect(merged).toHaveLength(1);
    expect(merged[0].endsAt).toEqual(at(18));
  });

  it('does not mutate its input', () => {
    const input = [item('a', at(9), at(11)), item('b', at(10), at(12))];
    mergeBusy(input);
    expect(input[0].endsAt).toEqual(at(11));
  });
});
