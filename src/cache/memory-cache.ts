/**
 * The in-isolate layer in front of the per-location Cache API: a byte-bounded LRU of entries,
 * so a hot answer is served without any I/O. Isolates are short-lived and each has its own copy;
 * that is fine because every read is re-judged by `classify()` from the entry's `storedAt`, and
 * against the location's view of the project's authority (an entry whose dependencies moved is
 * never served) rather than by deleting entries.
 */
import type { EdgeCache } from "./edge-cache";
import { entrySize, type CacheEntry } from "./entry";
import { MEMORY_CACHE_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";

/** Bounds default to `MEMORY_CACHE_BOUNDS`: 24 MiB of entries, 5,000 of them; a larger entry than 1 MiB is only kept in the Cache API. */
export interface MemoryCacheOptions {
  maxBytes?: number;
  maxEntries?: number;
  maxEntryBytes?: number;
  /** Clock, ms since the epoch. */
  now: () => number;
}

interface Held {
  entry: CacheEntry;
  expiresAt: number;
}

/**
 * A bounded in-memory `EdgeCache`. An entry expires `ttlSeconds` after its `storedAt`.
 *
 * @example
 * const memory = new MemoryCache({ now: () => Date.now() });
 * await memory.put(url, entry, 360);
 * (await memory.match(url))?.etag;
 */
export class MemoryCache implements EdgeCache {
  private readonly lru: Lru<Held>;
  private readonly now: () => number;
  private readonly maxEntryBytes: number;

  constructor(options: MemoryCacheOptions) {
    this.now = options.now;
    this.maxEntryBytes = options.maxEntryBytes ?? MEMORY_CACHE_BOUNDS.maxEntryBytes;
    this.lru = new Lru<Held>({
      maxEntries: options.maxEntries ?? MEMORY_CACHE_BOUNDS.maxEntries,
      maxBytes: options.maxBytes ?? MEMORY_CACHE_BOUNDS.maxBytes,
      sizeOf: (held, key) => entrySize(held.entry) + key.length * 2,
    });
  }

  /** Entries held. */
  get size(): number {
    return this.lru.size;
  }

  /** Bytes held (estimate). */
  get bytes(): number {
    return this.lru.bytes;
  }

  async match(url: string): Promise<CacheEntry | undefined> {
    return this.matchSync(url);
  }

  /** Synchronous lookup: the hit path needs no `await` for the memory layer. */
  matchSync(url: string): CacheEntry | undefined {
    const held = this.lru.get(url);
    if (!held) return undefined;
    if (held.expiresAt <= this.now()) {
      this.lru.delete(url);
      return undefined;
    }
    return held.entry;
  }

  /**
   * The entry under `url` if it has not expired, without touching anything: no recency update, no
   * eviction of an expired entry (the admin explain looks without changing what it explains).
   */
  peekSync(url: string): CacheEntry | undefined {
    const held = this.lru.peek(url);
    return held && held.expiresAt > this.now() ? held.entry : undefined;
  }

  async put(url: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
    this.putSync(url, entry, ttlSeconds);
  }

  /** Synchronous store; returns `false` when the entry was not kept (expired, too large). */
  putSync(url: string, entry: CacheEntry, ttlSeconds: number): boolean {
    const expiresAt = entry.storedAt + ttlSeconds * 1000;
    if (ttlSeconds <= 0 || expiresAt <= this.now() || entry.body.byteLength > this.maxEntryBytes) {
      this.lru.delete(url);
      return false;
    }
    return this.lru.set(url, { entry, expiresAt });
  }

  async delete(url: string): Promise<boolean> {
    return this.lru.delete(url);
  }
}

/**
 * Memory first, then the per-location cache. A hit in the second layer is promoted into memory
 * for the rest of its stored lifetime; `put` writes both (memory at once, synchronously, so the
 * very next request in the isolate sees it; the Cache API write is the awaited part, to hand to
 * `waitUntil`).
 *
 * @example
 * const cache = new LayeredCache(new MemoryCache({ now }), new WorkersEdgeCache());
 * const entry = await cache.match(key.url);
 * ctx.waitUntil(cache.put(key.url, fresh, storageTtlSeconds(policy)));
 */
export class LayeredCache implements EdgeCache {
  constructor(
    readonly memory: MemoryCache,
    readonly edge: EdgeCache,
  ) {}

  async match(url: string): Promise<CacheEntry | undefined> {
    const local = this.memory.matchSync(url);
    if (local) return local;
    const remote = await this.edge.match(url);
    if (remote && remote.ttlSeconds !== undefined) this.memory.putSync(url, remote, remote.ttlSeconds);
    return remote;
  }

  put(url: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
    this.memory.putSync(url, entry, ttlSeconds);
    return this.edge.put(url, entry, ttlSeconds);
  }

  async delete(url: string): Promise<boolean> {
    const a = await this.memory.delete(url);
    const b = await this.edge.delete(url);
    return a || b;
  }
}
