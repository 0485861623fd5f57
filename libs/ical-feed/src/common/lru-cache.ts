/**
 * A small least-recently-used map bounded by entry count and, optionally, by a weight (bytes).
 * Reads refresh recency. Not thread-safe (Node is single-threaded); no timers.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;
  /** The most recently used key (reading it again needs no reordering). */
  private newest: K | undefined;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (key !== this.newest) {
      // Re-insert: Map iteration order is insertion order, so the oldest entry comes first.
      this.map.delete(key);
      this.map.set(key, hit);
      this.newest = key;
    }
    return hit.value;
  }

  /** Reads without refreshing recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V, weight = 0): void {
    if (this.maxEntries <= 0 || weight > this.maxWeight) {
      this.delete(key);
      return;
    }
    this.delete(key);
    this.map.set(key, { value, weight });
    this.newest = key;
    this.totalWeight += weight;
    while (this.map.size > this.maxEntries || this.totalWeight > this.maxWeight) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    const hit = this.map.get(key);
    if (!hit) return false;
    this.map.delete(key);
    this.totalWeight -= hit.weight;
    if (key === this.newest) this.newest = undefined;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.totalWeight = 0;
    this.newest = undefined;
  }
}
