/** The isolate-wide state of the `/content` cache step: memory layer, coalescer, refreshes, stats. */
import { BackgroundRefreshes, Coalescer } from "../cache/coalesce";
import { WorkersEdgeCache, type EdgeCache } from "../cache/edge-cache";
import { LayeredCache, MemoryCache, type MemoryCacheOptions } from "../cache/memory-cache";
import type { StatsSettings } from "../config/gateway-config";
import { analyticsEngineSink } from "../stats/analytics-engine";
import { StatsRecorder } from "../stats/recorder";
import { statsStoreFor } from "../stats/store";
import { TierAsks } from "./tier-lookup";

/** The isolate-wide state of the cache step. One per KV namespace in production. */
export interface ContentCacheRuntime {
  readonly now: () => number;
  /** Memory (bounded LRU) in front of the per-location Cache API. */
  readonly cache: LayeredCache;
  readonly coalescer: Coalescer;
  readonly refreshes: BackgroundRefreshes;
  /** Concurrent shared-tier questions for one key at this location, asked once. */
  readonly tierAsks: TierAsks;
  readonly stats: StatsRecorder;
}

export interface ContentCacheRuntimeOptions {
  now?: () => number;
  /** The second layer; default the Workers Cache API (`caches.default`). */
  edge?: EdgeCache;
  /** Bounds of the memory layer (defaults: 5,000 entries, 24 MiB, 1 MiB per entry). */
  memory?: Omit<MemoryCacheOptions, "now">;
  /** How long a coalesced follower waits for its leader before fetching itself. */
  followerTimeoutMs?: number;
  stats?: StatsRecorder;
  /** How the default recorder flushes (interval, store, Analytics Engine dataset). */
  statsSettings?: StatsSettings;
}

/**
 * A runtime with its own memory layer, coalescer and refresh tracker; stats default to a new recorder.
 *
 * @example const runtime = createContentCacheRuntime(env.CONFIG, { now: clock.now, memory: { maxEntries: 100 } });
 */
export function createContentCacheRuntime(kv: KVNamespace, options: ContentCacheRuntimeOptions = {}): ContentCacheRuntime {
  const now = options.now ?? (() => Date.now());
  return {
    now,
    cache: new LayeredCache(new MemoryCache({ ...options.memory, now }), options.edge ?? new WorkersEdgeCache()),
    coalescer: new Coalescer(options.followerTimeoutMs === undefined ? {} : { followerTimeoutMs: options.followerTimeoutMs }),
    refreshes: new BackgroundRefreshes(now),
    tierAsks: new TierAsks(),
    stats: options.stats ?? statsRecorder(kv, options.statsSettings),
  };
}

function statsRecorder(kv: KVNamespace, settings: StatsSettings | undefined): StatsRecorder {
  const analytics = settings?.analytics;
  // The project authorities when configured (always, through gatewayConfig); KV otherwise.
  return new StatsRecorder(statsStoreFor(kv, settings?.authority), {
    ...(settings ? { flushIntervalMs: settings.flushIntervalMs } : {}),
    ...(analytics ? { sink: analyticsEngineSink(analytics) } : {}),
  });
}

const runtimes = new WeakMap<object, ContentCacheRuntime>();

/**
 * The isolate's runtime for a KV namespace: what `serveContent` uses unless told otherwise, what
 * the pipeline counts refusals in and what the admin stats routes read. The first call in an
 * isolate creates it; the gateway always passes its stats settings (flush interval, the authority
 * the counters are flushed to, Analytics Engine).
 *
 * @example const { stats } = contentCacheRuntime(config.kv, config.stats);
 */
export function contentCacheRuntime(kv: KVNamespace, statsSettings?: StatsSettings): ContentCacheRuntime {
  let runtime = runtimes.get(kv);
  if (!runtime) {
    runtime = createContentCacheRuntime(kv, statsSettings ? { statsSettings } : {});
    runtimes.set(kv, runtime);
  }
  return runtime;
}
