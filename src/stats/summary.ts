/**
 * The summary `GET /admin/projects/{p}/{e}/stats` has always answered (SPEC §5): cache outcomes,
 * origin errors, requests and the hit ratio. Its fields and arithmetic are the contract; the
 * traffic route adds time and refusals beside it without changing it.
 */

/** The cache-step outcomes the summary counts. */
export const STAT_NAMES = ["hits", "misses", "stale", "bypasses", "originErrors"] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type StatsCounts = Record<StatName, number>;

export interface StatsSummary extends StatsCounts {
  /** Requests the cache step answered: hits + misses + stale + bypasses (refusals are counted apart). */
  requests: number;
  /**
   * hits / (hits + misses + stale): the share of cacheable requests answered from a fresh entry.
   * Stale serves count against it (the entry was out of date); bypasses are not cacheable and are
   * left out; origin errors are counted apart (a failed miss is also a miss). `null` when there
   * was no cacheable request.
   */
  hitRatio: number | null;
}

/**
 * Adds counts together and derives `requests` and `hitRatio`. Members that are not finite,
 * non-negative numbers count as 0; members other than {@link STAT_NAMES} are ignored.
 *
 * @example
 * mergeStats([{ hits: 3, misses: 1, stale: 0, bypasses: 2, originErrors: 0 }, { hits: 1, stale: 1, originErrors: 1 }]);
 * // { hits: 4, misses: 1, stale: 1, bypasses: 2, originErrors: 1, requests: 8, hitRatio: 4 / 6 }
 */
export function mergeStats(parts: Iterable<Partial<StatsCounts> | null | undefined>): StatsSummary {
  const total: StatsCounts = { hits: 0, misses: 0, stale: 0, bypasses: 0, originErrors: 0 };
  for (const part of parts) {
    if (!part) continue;
    for (const name of STAT_NAMES) {
      const n = part[name];
      if (typeof n === "number" && Number.isFinite(n) && n > 0) total[name] += n;
    }
  }
  const cacheable = total.hits + total.misses + total.stale;
  return { ...total, requests: cacheable + total.bypasses, hitRatio: cacheable === 0 ? null : total.hits / cacheable };
}
