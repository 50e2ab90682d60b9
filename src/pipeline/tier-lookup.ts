/**
 * The `/content` cache step's question to the shared tier (SPEC §3c, docs/shared-tier.md), asked
 * after the location's own layers missed and before the origin. A tier answer is used only when
 * the location itself finds it usable (`usable`: current for its view of the authority and fresh
 * under the client's windows) — the tier is shared by every location and cannot judge for any of
 * them. An answer the location rejects is reported back (`rejected`) so the tier coalesces the
 * refetch across locations instead of every location refetching on its own.
 */
import type { CacheEntry } from "../cache/entry";
import type { CacheKey } from "../cache/key";
import type { ProjectRef } from "../projects/types";
import type { SharedTier } from "../tier/client";

/** How the tier took part: `hit` (its answer served), `collapsed` (another location's fetch, waited for), `lease` (this request asks the origin for everyone), `miss`, `unavailable`. */
export type TierVia = "hit" | "collapsed" | "lease" | "miss" | "unavailable";

export interface TierAsk {
  tier: SharedTier;
  ref: ProjectRef;
  key: CacheKey;
  /** Whether this location may serve the entry (its own judgement). */
  usable: (entry: CacheEntry) => boolean;
  /** Longest wait for another location's fetch. */
  waitMs: number;
}

/**
 * Asks the tier; at most two lookups and one wait. Never rejects.
 *
 * @example
 * const { entry, via } = await askTier({ tier, ref, key, usable: (e) => isCurrent(view, e.snapshot, e.checks, e.dependsOnEntries), waitMs: 5_000 });
 */
export async function askTier(ask: TierAsk): Promise<{ entry?: CacheEntry; via: TierVia }> {
  const { tier, ref, key, usable } = ask;
  let answer = await tier.lookup(ref, key);
  if (answer.kind === "hit") {
    if (usable(answer.entry)) return { entry: answer.entry, via: "hit" };
    // Not current here (a publish this location knows of, or past its freshness): a newer one, or a lease.
    answer = await tier.lookup(ref, key, answer.entry.snapshot);
    if (answer.kind === "hit") return usable(answer.entry) ? { entry: answer.entry, via: "hit" } : { via: "miss" };
  }
  if (answer.kind === "pending") {
    const entry = await tier.wait(ref, key, ask.waitMs);
    return entry && usable(entry) ? { entry, via: "collapsed" } : { via: "miss" };
  }
  return { via: answer.kind };
}

/**
 * One tier question per key at a time in an isolate: concurrent misses of one key at a location
 * share it (and its lease), so the isolate's own coalescer — not the tier — collapses them, and the
 * tier sees one caller per location. Bounded: beyond `maxInFlight` keys a request asks on its own.
 *
 * @example const { entry, via } = await runtime.tierAsks.run(key.digest, () => askTier(ask), 6_000);
 */
export class TierAsks {
  private readonly inFlight = new Map<string, Promise<{ entry?: CacheEntry; via: TierVia }>>();

  constructor(private readonly maxInFlight = 1_000) {}

  /**
   * `ask`, or the running question for `key`. A request sharing another's question waits for it at
   * most `boundMs` on a timer of its own: Workers cancels a request that waits only on another
   * request's I/O (it looks hung), and the other request may have gone away; then it is a miss.
   */
  run(
    key: string,
    ask: () => Promise<{ entry?: CacheEntry; via: TierVia }>,
    boundMs: number,
  ): Promise<{ entry?: CacheEntry; via: TierVia }> {
    const running = this.inFlight.get(key);
    if (running) return sharedFor(running, boundMs);
    const promise = ask();
    if (this.inFlight.size >= this.maxInFlight) return promise;
    this.inFlight.set(key, promise);
    // askTier never rejects; `finally` frees the slot either way.
    void promise.finally(() => {
      if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
    });
    return promise;
  }
}

async function sharedFor(
  running: Promise<{ entry?: CacheEntry; via: TierVia }>,
  boundMs: number,
): Promise<{ entry?: CacheEntry; via: TierVia }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ via: TierVia }>((resolve) => (timer = setTimeout(() => resolve({ via: "miss" }), boundMs)));
  try {
    return await Promise.race([running, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The tier's RFC 9211 `Cache-Status` member (it is nearer the origin than the location, so it comes
 * first) and `x-cache-tier` value.
 *
 * @example tierHeaders("collapsed"); // { member: "content-edge-tier; hit; collapsed", xCacheTier: "HIT" }
 */
export function tierHeaders(via: TierVia): { member: string; xCacheTier: "HIT" | "MISS" | "UNAVAILABLE" } {
  switch (via) {
    case "hit":
      return { member: "content-edge-tier; hit", xCacheTier: "HIT" };
    case "collapsed":
      return { member: "content-edge-tier; hit; collapsed", xCacheTier: "HIT" };
    case "lease":
    case "miss":
      return { member: "content-edge-tier; fwd=miss", xCacheTier: "MISS" };
    case "unavailable":
      return { member: "content-edge-tier; fwd=bypass; detail=unavailable", xCacheTier: "UNAVAILABLE" };
  }
}
