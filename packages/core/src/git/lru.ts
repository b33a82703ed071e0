/**
 * A least-recently-used cache bounded by the bytes it holds, for objects that are expensive to
 * rebuild (delta bases, trees). A Map keeps insertion order, so re-inserting on a hit makes the
 * first key the least recently used one.
 */
export class ByteLru<V> {
  private readonly map = new Map<string | number, {value: V; size: number}>()
  private bytes = 0

  constructor(
    private readonly budget: number,
    /** Values bigger than this are never kept: one of them would evict everything else. */
    private readonly largest = budget / 8,
  ) {}

  get(key: string | number): V | undefined {
    const hit = this.map.get(key)
    if (hit === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, hit)
    return hit.value
  }

  set(key: string | number, value: V, size: number): void {
    if (size > this.largest) return
    const old = this.map.get(key)
    if (old !== undefined) {
      this.bytes -= old.size
      this.map.delete(key)
    }
    this.map.set(key, {value, size})
    this.bytes += size
    while (this.bytes > this.budget) {
      const first = this.map.keys().next()
      if (first.done) break
      const evicted = this.map.get(first.value)
      this.map.delete(first.value)
      this.bytes -= evicted?.size ?? 0
    }
  }

  clear(): void {
    this.map.clear()
    this.bytes = 0
  }
}
