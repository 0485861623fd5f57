/**
 * A bounded map that keeps recently used entries, for hot paths: a hit costs one Map lookup.
 * Two generations of at most `perGeneration` entries each; a hit in the older one is promoted;
 * when the young one fills up it becomes the old one (dropping the old one). So at most
 * 2 × perGeneration entries, and anything used since the last turnover survives it.
 */
export class RecentMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly perGeneration: number) {}

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.perGeneration && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }
}
