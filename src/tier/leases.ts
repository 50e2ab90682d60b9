/**
 * Cross-location coalescing at the shared tier (SPEC §3c): the first location that misses a key
 * gets a short *lease* (it asks the origin and writes the answer back); every other location that
 * misses the same key meanwhile waits on an in-memory promise the lease holder's write resolves.
 * A waiter never waits longer than it asked to, and a lease that outlives `leaseMs` (its holder
 * crashed, timed out or got an answer that may not be stored) is handed to the next caller, so a
 * lost lease costs at most one wait, never a wrong answer.
 *
 * Pure: the clock and the timer are injected (tests drive both). Bounded: at most `maxKeys` leases
 * are tracked; beyond that a caller is told `busy` and goes to the origin uncoalesced.
 */

/** What a caller that found nothing is told to do. */
export type Claim = "lease" | "pending" | "busy";

export interface LeaseOptions {
  /** How long a lease holder has to write its answer back. */
  leaseMs: number;
  /** Bound on keys with a lease (untrusted traffic decides the keys). Default 10,000. */
  maxKeys?: number;
  now: () => number;
  /** Resolves after `ms` (default: `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
}

interface Lease<T> {
  until: number;
  waiters: Set<(value: T | undefined) => void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Leases and waiters per key.
 *
 * @example
 * const leases = new TierLeases<Entry>({ leaseMs: 10_000, now: Date.now });
 * if (leases.claim(key) === "pending") entry = await leases.wait(key, 5_000); // undefined: go to the origin
 * leases.settle(key, entry); // the holder's write wakes every waiter
 */
export class TierLeases<T> {
  private readonly leases = new Map<string, Lease<T>>();
  private readonly maxKeys: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LeaseOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Keys with a live or expired-but-not-collected lease. */
  get size(): number {
    return this.leases.size;
  }

  /**
   * For a caller that found no usable answer: `lease` (go to the origin, then `settle`),
   * `pending` (someone holds a live lease: `wait`) or `busy` (too many keys: go uncoalesced).
   * `leaseMs`: how long this caller may hold it (default the option).
   */
  claim(key: string, leaseMs: number = this.options.leaseMs): Claim {
    const now = this.options.now();
    const lease = this.leases.get(key);
    if (lease && lease.until > now) return "pending";
    if (lease) {
      // The holder never wrote back: the next caller takes over; existing waiters keep waiting for it.
      lease.until = now + leaseMs;
      return "lease";
    }
    if (this.leases.size >= this.maxKeys) this.collect(now);
    if (this.leases.size >= this.maxKeys) return "busy";
    this.leases.set(key, { until: now + leaseMs, waiters: new Set() });
    return "lease";
  }

  /** Waits up to `ms` for the lease holder's answer; `undefined` on timeout or when it had none. */
  wait(key: string, ms: number): Promise<T | undefined> {
    const lease = this.leases.get(key);
    if (!lease) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve) => {
      let done = false;
      const finish = (value: T | undefined) => {
        if (done) return;
        done = true;
        lease.waiters.delete(finish);
        resolve(value);
      };
      lease.waiters.add(finish);
      void this.sleep(ms).then(() => finish(undefined));
    });
  }

  /**
   * The key's answer arrived (`value`) or its holder gave up (`undefined`): wakes every waiter and
   * ends the lease. Returns how many waiters were woken.
   */
  settle(key: string, value: T | undefined): number {
    const lease = this.leases.get(key);
    if (!lease) return 0;
    this.leases.delete(key);
    const waiters = [...lease.waiters];
    for (const wake of waiters) wake(value);
    return waiters.length;
  }

  /** Drops expired leases nobody waits on. */
  private collect(now: number): void {
    for (const [key, lease] of this.leases) if (lease.until <= now && lease.waiters.size === 0) this.leases.delete(key);
  }
}
