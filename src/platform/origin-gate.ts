/**
 * A counting semaphore with a bounded FIFO queue and a bounded wait: at most `limit` holders at a
 * time; a caller beyond them waits in arrival order for at most `waitMs`, and at most `maxQueue`
 * callers wait at once. Used to cap a project's in-flight origin requests in one isolate
 * (`pipeline/origin-limits.ts`): a burst of misses reaches the origin `limit` at a time instead of
 * all at once, and the wait is short. Hits never pass through it.
 *
 * A released slot is handed straight to the oldest waiter (no barging): a newcomer cannot overtake
 * a request that has been waiting, so each wait is bounded by the order it came in.
 *
 * Workers specifics. Holders and waiters are different requests, and a request may not resolve a
 * promise or clear a timer of another (that is I/O on its behalf, which the runtime refuses). So
 * nothing is handed over: each holder's lease carries a promise that the holder itself settles on
 * release, and a waiter, in its own request, waits for any of them (or its own short timer), then
 * takes a slot itself when its place in line is within the free slots. A request can also be
 * cancelled (its client went away) while it holds a slot or waits: its code simply stops. So every
 * slot is a lease that lapses after `maxHoldMs`, and a waiter past its deadline is dropped; both
 * are swept whenever the gate is used, so a cancelled request cannot keep a slot or a place in
 * line for longer than that.
 */

/** Gives the slot back; calling it more than once (or after its lease lapsed) does nothing. */
export type Release = () => void;

/** Runs `run` after `ms` milliseconds; the returned function cancels it. */
export type Schedule = (run: () => void, ms: number) => () => void;

export interface OriginGateOptions {
  /** Holders at a time (at least 1). */
  limit: number;
  /** The longest a caller waits for a slot; 0: never waits. */
  waitMs: number;
  /** Callers that may wait at once; beyond it a caller is refused at once. */
  maxQueue: number;
  /** A slot held longer than this is taken back (its holder must have been cancelled). */
  maxHoldMs: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** Timer; default `setTimeout` (tests pass a manual clock). */
  schedule?: Schedule;
}

interface Waiter {
  deadline: number;
}

interface Lease {
  since: number;
  /** Settled by the holder's own release (in the holder's request). */
  done: Promise<void>;
}

/** How long a waiter sleeps between looks when no release wakes it (a backstop, not the usual wake-up). */
const RECHECK_MS = 25;

const timers: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * @example
 * const gate = new OriginGate({ limit: 4, waitMs: 250, maxQueue: 16, maxHoldMs: 30_000 });
 * const release = await gate.acquire();
 * if (!release) throw new OriginBusyError(4);
 * try { return await callOrigin(request); } finally { release(); }
 */
export class OriginGate {
  readonly limit: number;
  private readonly waitMs: number;
  private readonly maxQueue: number;
  private readonly maxHoldMs: number;
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly leases = new Set<Lease>();
  /** Insertion-ordered: the first is the oldest waiter; a timed-out one is deleted in O(1). */
  private readonly waiters = new Set<Waiter>();

  constructor(options: OriginGateOptions) {
    this.limit = Math.max(1, Math.floor(options.limit));
    this.waitMs = Math.max(0, options.waitMs);
    this.maxQueue = Math.max(0, Math.floor(options.maxQueue));
    this.maxHoldMs = options.maxHoldMs;
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? timers;
  }

  /** Holders now. */
  get inFlight(): number {
    return this.leases.size;
  }

  /** Callers waiting now. */
  get queued(): number {
    return this.waiters.size;
  }

  /**
   * A slot, at once when one is free (and nobody waits), after waiting in line otherwise;
   * `null` when the queue is full, waiting is off, or the wait ran out.
   */
  async acquire(): Promise<Release | null> {
    this.sweep();
    if (this.leases.size < this.limit && this.waiters.size === 0) return this.lease();
    if (this.waitMs === 0 || this.waiters.size >= this.maxQueue) return null;
    const waiter: Waiter = { deadline: this.now() + this.waitMs };
    this.waiters.add(waiter);
    try {
      for (;;) {
        const left = waiter.deadline - this.now();
        if (left <= 0) return null;
        await this.change(Math.min(left, RECHECK_MS));
        this.sweep();
        if (!this.waiters.has(waiter)) return null;
        if (this.placeOf(waiter) < this.limit - this.leases.size) return this.lease();
      }
    } finally {
      this.waiters.delete(waiter);
    }
  }

  private lease(): Release {
    let settle: () => void = () => undefined;
    const lease: Lease = { since: this.now(), done: new Promise<void>((resolve) => (settle = resolve)) };
    this.leases.add(lease);
    return () => {
      settle();
      // Already released, or lapsed and swept: the slot is no longer this holder's.
      this.leases.delete(lease);
    };
  }

  /** Resolves when a current holder releases, or after `ms` (the waiter's own timer). */
  private async change(ms: number): Promise<void> {
    let cancel: () => void = () => undefined;
    const timer = new Promise<void>((resolve) => (cancel = this.schedule(resolve, ms)));
    await Promise.race([timer, ...[...this.leases].map((lease) => lease.done)]);
    cancel();
  }

  /** How many waiters are ahead of `waiter` (they came first). */
  private placeOf(waiter: Waiter): number {
    let place = 0;
    for (const other of this.waiters) {
      if (other === waiter) return place;
      place++;
    }
    return place;
  }

  /** Takes back lapsed leases and drops waiters past their deadline (cancelled: their own loop would have left). */
  private sweep(): void {
    const now = this.now();
    for (const lease of this.leases) if (now - lease.since > this.maxHoldMs) this.leases.delete(lease);
    for (const waiter of this.waiters) {
      if (waiter.deadline > now) break; // in arrival order: every later one is still waiting
      this.waiters.delete(waiter);
    }
  }
}
