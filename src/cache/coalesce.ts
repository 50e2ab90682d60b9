/**
 * Request coalescing ("collapsed forwarding", RFC 9211 §2.6 `collapsed`): concurrent identical
 * misses in one isolate share a single origin request.
 *
 * Workers forbids I/O objects (a `Response`, its body stream) created by one request from being
 * used by another, so the leader's result is shared as plain data — bytes, status and headers —
 * and every request builds its own `Response` from it. A follower never depends on the leader
 * for longer than `followerTimeoutMs`: if the leader fails, is cancelled (its request went away,
 * so its promise may never settle) or is slow, the follower makes its own origin request.
 */

/** An origin answer as plain, shareable data. Treat `body` as read-only. */
export interface SharedResult {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  /**
   * What the answer depends on, as the leader learned it: the authority's sequence number when the
   * origin was asked and the members the answer depends on (see `src/authority/changes.ts`).
   */
  dependencies?: { snapshot: number; members: readonly string[]; dependsOnEntries: boolean };
}

/** How a `run` got its result. */
export type CoalesceRole = "leader" | "follower" | "fallback";

export interface CoalesceOptions {
  /** How long a follower waits for the leader before fetching itself. Default 5,000 ms. */
  followerTimeoutMs?: number;
  /** Upper bound on distinct keys in flight; beyond it requests are not coalesced. Default 1,000. */
  maxInFlight?: number;
}

/** Default bound on a follower's wait, well under a typical origin timeout. */
export const DEFAULT_FOLLOWER_TIMEOUT_MS = 5_000;

const TIMED_OUT = Symbol("timed-out");

/**
 * Shares in-flight fetches by key.
 *
 * @example
 * const coalescer = new Coalescer({ followerTimeoutMs: 3000 });
 * const { result, role } = await coalescer.run(key.digest, async () => {
 *   const res = await fetch(originRequest);
 *   return { status: res.status, headers: [...res.headers], body: new Uint8Array(await res.arrayBuffer()) };
 * });
 * return new Response(result.body, { status: result.status, headers: result.headers });
 */
export class Coalescer {
  private readonly inFlight = new Map<string, Promise<SharedResult>>();
  private readonly followerTimeoutMs: number;
  private readonly maxInFlight: number;

  constructor(options: CoalesceOptions = {}) {
    this.followerTimeoutMs = options.followerTimeoutMs ?? DEFAULT_FOLLOWER_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlight ?? 1_000;
  }

  /** Keys with a leader fetch in flight. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Whether a leader fetch for `key` is in flight. */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  /**
   * Runs `fetcher` as the leader for `key`, or waits for the current leader's result.
   * A leader's rejection is the leader's own error; followers then run `fetcher` themselves
   * (role `fallback`, not shared), as they do on timeout. A timed-out follower also frees the slow
   * leader's slot, so later requests start a new leader instead of waiting again.
   */
  async run(key: string, fetcher: () => Promise<SharedResult>): Promise<{ result: SharedResult; role: CoalesceRole }> {
    const leader = this.inFlight.get(key);
    if (leader) {
      const shared = await this.follow(leader);
      if (shared !== TIMED_OUT) return { result: shared, role: "follower" };
      // A leader that is this slow (or cancelled) must not hold later requests hostage: free its slot.
      if (this.inFlight.get(key) === leader) this.inFlight.delete(key);
      return { result: await fetcher(), role: "fallback" };
    }
    if (this.inFlight.size >= this.maxInFlight) return { result: await fetcher(), role: "leader" };
    const promise = fetcher();
    this.inFlight.set(key, promise);
    // Whatever happens, the slot is freed when the leader settles; a cancelled leader whose promise
    // never settles is bounded by the followers' timeout (they stop waiting) and by `maxInFlight`.
    const release = () => {
      if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
    };
    promise.then(release, release);
    return { result: await promise, role: "leader" };
  }

  /** Drops the in-flight slot for `key` (e.g. when its leader's request was aborted). */
  forget(key: string): void {
    this.inFlight.delete(key);
  }

  private follow(leader: Promise<SharedResult>): Promise<SharedResult | typeof TIMED_OUT> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.followerTimeoutMs);
    });
    const settled = leader.then(
      (r): SharedResult | typeof TIMED_OUT => r,
      (): typeof TIMED_OUT => TIMED_OUT,
    );
    return Promise.race([settled, timeout]).finally(() => {
      if (timer !== undefined) clearTimeout(timer);
    });
  }
}

/**
 * Reads a `Response` into shareable data (consumes its body). Only the listed headers are kept
 * when `keep` is given — e.g. `["content-type"]` — so per-response headers such as `set-cookie`
 * or `date` never leak from the leader's answer into a follower's.
 *
 * @example const shared = await toSharedResult(await fetch(originRequest), ["content-type", "set-cookie"]);
 */
export async function toSharedResult(response: Response, keep?: readonly string[]): Promise<SharedResult> {
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (!keep || keep.includes(name)) headers.push([name, value]);
  });
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

/**
 * At most one background refresh per key and isolate (stale-while-revalidate, RFC 5861 §3: the
 * stale answer is served at once and *one* request refreshes it). A refresh that never settles
 * (its request was cancelled) stops blocking new ones after `maxMs`.
 *
 * @example
 * const p = refreshes.start(key.digest, () => refreshFromOrigin());
 * if (p) ctx.waitUntil(p);
 */
export class BackgroundRefreshes {
  private readonly running = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly maxMs = 30_000,
  ) {}

  /** Whether a refresh for `key` is running (and not timed out). */
  isRunning(key: string): boolean {
    const started = this.running.get(key);
    return started !== undefined && this.now() - started < this.maxMs;
  }

  /**
   * Starts `task` unless one is already running for `key`; returns its promise (which never
   * rejects: a failed refresh just leaves the stale entry in place) or `undefined` when skipped.
   */
  start(key: string, task: () => Promise<unknown>): Promise<void> | undefined {
    if (this.isRunning(key)) return undefined;
    const started = this.now();
    this.running.set(key, started);
    const done = () => {
      if (this.running.get(key) === started) this.running.delete(key);
    };
    return Promise.resolve().then(task).then(done, done);
  }
}
