/**
 * A bounded least-recently-used map, limited by entry count AND by total bytes.
 *
 * Every operation is O(1): a JavaScript `Map` iterates in insertion order, so re-inserting a key on
 * access moves it to the "most recent" end and the first key is always the least recently used.
 * Used for the in-isolate layers (documents, persisted queries, cached responses, project copies), where
 * memory is shared by every request of an isolate and must never grow without bound
 * (Workers isolates have 128 MiB in total).
 */
export interface LruOptions<V> {
  /** Maximum number of entries (at least 1). */
  maxEntries: number;
  /** Maximum total size in bytes, as measured by `sizeOf`. Default: unlimited. */
  maxBytes?: number;
  /** Size of a value in bytes. Default: 1 per entry (count only). */
  sizeOf?: (value: V, key: string) => number;
  /** Called for every entry removed to make room (not for `delete`/`clear`/replacement). */
  onEvict?: (key: string, value: V) => void;
}

interface Slot<V> {
  value: V;
  size: number;
}

/**
 * @example
 * const lru = new Lru<string>({ maxEntries: 2, maxBytes: 1024, sizeOf: (v) => v.length * 2 });
 * lru.set("a", "x"); lru.set("b", "y"); lru.get("a"); lru.set("c", "z");
 * lru.has("b"); // false: "b" was the least recently used
 */
export class Lru<V> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  private readonly map = new Map<string, Slot<V>>();
  private readonly sizeOf: (value: V, key: string) => number;
  private readonly onEvict: ((key: string, value: V) => void) | undefined;
  private total = 0;

  constructor(options: LruOptions<V>) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries));
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.sizeOf = options.sizeOf ?? (() => 1);
    this.onEvict = options.onEvict;
  }

  /** Number of entries. */
  get size(): number {
    return this.map.size;
  }

  /** Total bytes of the entries, as measured by `sizeOf`. */
  get bytes(): number {
    return this.total;
  }

  /** The value for `key`, marking it most recently used; `undefined` when absent. */
  get(key: string): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, slot);
    return slot.value;
  }

  /** The value for `key` without changing its recency. */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /**
   * Stores `value` as the most recently used entry, evicting least recently used entries until
   * both bounds hold. A value larger than `maxBytes` on its own is not stored (returns `false`)
   * and any previous value of `key` is removed, so a stale value is never left behind.
   */
  set(key: string, value: V): boolean {
    const size = Math.max(0, this.sizeOf(value, key));
    this.delete(key);
    if (size > this.maxBytes) return false;
    this.map.set(key, { value, size });
    this.total += size;
    this.evict();
    return true;
  }

  /** Removes `key`; `true` when it was present. */
  delete(key: string): boolean {
    const slot = this.map.get(key);
    if (slot === undefined) return false;
    this.map.delete(key);
    this.total -= slot.size;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  /** Keys from least to most recently used. */
  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  private evict(): void {
    while (this.map.size > this.maxEntries || this.total > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done) return;
      const slot = this.map.get(oldest.value)!;
      this.map.delete(oldest.value);
      this.total -= slot.size;
      this.onEvict?.(oldest.value, slot.value);
    }
  }
}
