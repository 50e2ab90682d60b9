/**
 * Cache statistics per (project, environment) without a KV write per request (SPEC §5 `stats`).
 *
 * Each isolate counts in memory and flushes its own cumulative totals to one KV key per
 * (project, environment, isolate) — `stats:v1:<project>:<env>:<isolateId>` — at most once every
 * `flushIntervalMs` (default 60 s), from `waitUntil`. Because each isolate owns its key and writes
 * totals (not increments), flushes never race or double count. The totals ride in the key's KV
 * metadata, so the admin read is a `list` of that prefix and no per-key `get`. Keys expire 30 days
 * after an isolate's last flush, so "all time" means "isolates seen in the last 30 days".
 * Counts of an isolate since its last flush are lost if it is evicted: statistics are approximate.
 */

export const STAT_NAMES = ["hits", "misses", "stale", "bypasses", "originErrors"] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type StatsCounts = Record<StatName, number>;

/** Admin view of the statistics. */
export interface StatsSummary extends StatsCounts {
  /** Requests counted: hits + misses + stale + bypasses. */
  requests: number;
  /**
   * hits / (hits + misses + stale): the share of cacheable requests answered from a fresh
   * entry. Stale serves count against the ratio (the entry was out of date); bypasses are not
   * cacheable and are left out; origin errors are counted separately (a failed miss is also a
   * miss). `null` when there was no cacheable request.
   */
  hitRatio: number | null;
}

/** The KV operations stats need (`KVNamespace` satisfies it). */
export interface KVListLike {
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
  list(options: { prefix: string; cursor?: string | null }): Promise<{
    keys: Array<{ name: string; metadata?: unknown }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

export const STATS_TTL_SECONDS = 30 * 24 * 3600;
export const DEFAULT_STATS_FLUSH_INTERVAL_MS = 60_000;

const zero = (): StatsCounts => ({ hits: 0, misses: 0, stale: 0, bypasses: 0, originErrors: 0 });
const prefixFor = (projectId: string, environment: string) =>
  `stats:v1:${encodeURIComponent(projectId)}:${encodeURIComponent(environment)}:`;

/**
 * Adds counts together and derives `requests` and `hitRatio`. Non-numeric members count as 0.
 *
 * @example
 * mergeStats([{ hits: 3, misses: 1, stale: 0, bypasses: 2, originErrors: 0 }, { hits: 1, misses: 0, stale: 1, bypasses: 0, originErrors: 1 }]);
 * // { hits: 4, misses: 1, stale: 1, bypasses: 2, originErrors: 1, requests: 8, hitRatio: 4 / 6 }
 */
export function mergeStats(parts: Iterable<Partial<StatsCounts> | null | undefined>): StatsSummary {
  const total = zero();
  for (const part of parts) {
    if (!part) continue;
    for (const name of STAT_NAMES) {
      const n = part[name];
      if (typeof n === "number" && Number.isFinite(n) && n > 0) total[name] += n;
    }
  }
  const cacheable = total.hits + total.misses + total.stale;
  return {
    ...total,
    requests: cacheable + total.bypasses,
    hitRatio: cacheable === 0 ? null : total.hits / cacheable,
  };
}

export interface StatsRecorderOptions {
  /** Minimum time between two flushes of this isolate. Default 60 s. */
  flushIntervalMs?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** This isolate's id (random by default). */
  isolateId?: string;
}

/**
 * Per-isolate counters with throttled flushing.
 *
 * @example
 * const stats = new StatsRecorder(env.CONFIG);
 * stats.record("demo", "master", "hits", (p) => ctx.waitUntil(p));
 * const summary = await stats.read("demo", "master"); // for GET /admin/projects/demo/master/stats
 */
export class StatsRecorder {
  private readonly counts = new Map<string, { projectId: string; environment: string; counts: StatsCounts; dirty: boolean }>();
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  readonly isolateId: string;
  private lastFlush: number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly kv: KVListLike,
    options: StatsRecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_STATS_FLUSH_INTERVAL_MS;
    this.now = options.now ?? (() => Date.now());
    this.isolateId = options.isolateId ?? crypto.randomUUID();
    this.lastFlush = this.now();
  }

  /**
   * Counts one event. When the interval has passed since the last flush (and none is running),
   * hands a flush to `waitUntil`; otherwise it only touches memory.
   */
  record(projectId: string, environment: string, stat: StatName, waitUntil?: (promise: Promise<unknown>) => void, by = 1): void {
    const key = `${projectId}\u0000${environment}`;
    let slot = this.counts.get(key);
    if (!slot) {
      slot = { projectId, environment, counts: zero(), dirty: false };
      this.counts.set(key, slot);
    }
    slot.counts[stat] += by;
    slot.dirty = true;
    if (waitUntil && !this.flushing && this.now() - this.lastFlush >= this.flushIntervalMs) {
      waitUntil(this.flush());
    }
  }

  /** This isolate's totals for a project and environment (since the isolate started). */
  local(projectId: string, environment: string): StatsCounts {
    return { ...(this.counts.get(`${projectId}\u0000${environment}`)?.counts ?? zero()) };
  }

  /** Writes the totals of every (project, environment) changed since the last flush: one KV put each. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.lastFlush = this.now();
    const dirty = [...this.counts.values()].filter((s) => s.dirty);
    for (const s of dirty) s.dirty = false;
    this.flushing = Promise.all(
      dirty.map((s) =>
        this.kv
          .put(prefixFor(s.projectId, s.environment) + this.isolateId, "", {
            expirationTtl: STATS_TTL_SECONDS,
            metadata: { ...s.counts, at: this.lastFlush },
          })
          .catch((error) => {
            s.dirty = true; // try again next time
            throw error;
          }),
      ),
    )
      .then(() => undefined)
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /**
   * The merged statistics of every isolate for a project and environment, with this isolate's
   * live counts in place of its last flushed ones.
   */
  async read(projectId: string, environment: string): Promise<StatsSummary> {
    const prefix = prefixFor(projectId, environment);
    const parts: Array<Partial<StatsCounts> | undefined> = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor: cursor ?? null });
      for (const key of page.keys) {
        if (key.name === prefix + this.isolateId) continue;
        parts.push(key.metadata as Partial<StatsCounts> | undefined);
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    parts.push(this.local(projectId, environment));
    return mergeStats(parts);
  }
}
