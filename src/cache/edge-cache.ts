/**
 * The per-location layer: the Workers Cache API (`caches.default`) behind a small interface, so
 * the pipeline and tests can use any store with the same two operations.
 *
 * The Cache API is per data centre ("location"), not global, and may evict at any time; a
 * `match` that finds nothing is simply a miss. Entries are addressed by the synthetic URL from
 * `cacheKey()` (`https://cache.content-edge.internal/v1/…`), never by the client's URL, so
 * client-controlled URL parts (tracking parameters, `X-Forwarded-Host`) cannot split or poison it.
 */
import { entryFromResponse, entryToResponse, type CacheEntry } from "./entry";

/** A store of cache entries addressed by URL. */
export interface EdgeCache {
  /** The entry stored under `url`, or `undefined`. */
  match(url: string): Promise<CacheEntry | undefined>;
  /** Stores `entry` under `url` for `ttlSeconds` (freshness + stale windows); 0 stores nothing. */
  put(url: string, entry: CacheEntry, ttlSeconds: number): Promise<void>;
  /** Removes the entry stored under `url`; `true` when one was removed. */
  delete(url: string): Promise<boolean>;
}

/**
 * `EdgeCache` over a Workers `Cache` (default: `caches.default`). Use from `ctx.waitUntil` for
 * `put` so the client never waits for the write.
 *
 * @example
 * const edge = new WorkersEdgeCache();
 * ctx.waitUntil(edge.put(key.url, entry, storageTtlSeconds(policy)));
 * const cached = await edge.match(key.url);
 */
export class WorkersEdgeCache implements EdgeCache {
  private readonly cache: Cache | undefined;

  constructor(cache?: Cache) {
    this.cache = cache;
  }

  private get store(): Cache {
    return this.cache ?? caches.default;
  }

  async match(url: string): Promise<CacheEntry | undefined> {
    return entryFromResponse(await this.store.match(url));
  }

  async put(url: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0 || entry.status !== 200) return;
    await this.store.put(url, entryToResponse(entry, ttlSeconds));
  }

  async delete(url: string): Promise<boolean> {
    return this.store.delete(url);
  }
}
