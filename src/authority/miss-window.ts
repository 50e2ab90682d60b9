/**
 * The miss rate limit's counters (SPEC §3c, `rateLimits.missesPerMinute`), kept in memory by the
 * project's authority object (`object.ts`): how many origin requests each client caused in the
 * current minute, over every location, because every location asks the same object.
 *
 * A fixed window aligned to the minute: counts start at zero at each minute boundary, so a full
 * window can be cleared at once and `Retry-After` is exact (the seconds until the boundary). The
 * price is the known fixed-window burst: a client may spend its limit at the end of one minute
 * and again at the start of the next (at most 2 × the limit within any 60 s).
 *
 * `Retry-After` is these milliseconds rounded up to whole seconds (`pipeline/origin-limits.ts`).
 *
 * Client keys come from the client (an IP address, a token): the map is an LRU of at most
 * {@link MAX_RATE_CLIENTS} keys, and nothing is ever written to storage. A client pushed out by
 * more than that many others within one minute starts again from zero; the other clients are
 * still counted, and each of them is limited on its own.
 */
import { Lru } from "../platform/lru";

/** One window, in milliseconds. */
export const RATE_WINDOW_MS = 60_000;
/** Clients counted per project and environment within one window. */
export const MAX_RATE_CLIENTS = 10_000;

/** What the object answers for one origin request a client is about to cause. */
export interface MissVerdict {
  /** Whether the request may go to the origin (it was counted). */
  allowed: boolean;
  /** When refused: milliseconds until the window frees (at least 1); 0 when allowed. */
  retryAfterMs: number;
}

/**
 * @example
 * const windows = new MissWindows(() => Date.now());
 * windows.count("ip:203.0.113.7", 100); // { allowed: true, retryAfterMs: 0 }
 */
export class MissWindows {
  private window = Number.NaN;
  private readonly counts: Lru<number>;

  constructor(
    private readonly now: () => number,
    maxClients = MAX_RATE_CLIENTS,
  ) {
    this.counts = new Lru<number>({ maxEntries: maxClients });
  }

  /** Counts one origin request of `client` unless it already made `limit` in this window. */
  count(client: string, limit: number): MissVerdict {
    const now = this.now();
    const window = Math.floor(now / RATE_WINDOW_MS);
    if (window !== this.window) {
      this.counts.clear();
      this.window = window;
    }
    const used = this.counts.get(client) ?? 0;
    if (used >= limit) {
      return { allowed: false, retryAfterMs: Math.max(1, (window + 1) * RATE_WINDOW_MS - now) };
    }
    this.counts.set(client, used + 1);
    return { allowed: true, retryAfterMs: 0 };
  }

  /** Clients counted in the current window. */
  get clients(): number {
    return this.counts.size;
  }
}
