import { LruCache } from './lru-cache';
import { RecentMap } from './recent-map';

describe('RecentMap', () => {
  it('keeps what was used since the last turnover and bounds its size', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3); // turnover: {a, b} become old
    expect(m.get('a')).toBe(1); // promoted into the young generation
    m.set('d', 4); // turnover: {c, a} become old, b is gone
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    m.delete('c');
    expect(m.get('c')).toBeUndefined();
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry by count and by weight', () => {
    const c = new LruCache<string, string>(2, 100);
    c.set('a', 'A', 10);
    c.set('b', 'B', 10);
    c.get('a');
    c.set('c', 'C', 10);
    expect(c.peek('b')).toBeUndefined();
    expect(c.get('a')).toBe('A');
    c.set('d', 'D', 95);
    expect(c.size).toBe(1);
    expect(c.weight).toBe(95);
    c.set('e', 'E', 101); // heavier than the whole cache: not kept
    expect(c.peek('e')).toBeUndefined();
  });
});
