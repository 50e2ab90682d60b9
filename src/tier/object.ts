/**
 * `AnswerTier`: the shared tier a location asks after its own cache misses and before the origin
 * (SPEC §3c, docs/shared-tier.md). One SQLite-backed Durable Object per project, environment and
 * shard (`<authority name>#<shard>`, `client.ts`), holding answers under the same key a location's
 * Cache API uses, and coalescing concurrent misses for one key across every location (`leases.ts`).
 *
 * The tier never judges freshness: it has no view of the project's authority. A location judges a
 * tier entry exactly as its own (`isCurrent` against its view, then the freshness windows) and, when
 * it rejects one, says so (`lookup(key, rejected)`) so that the tier treats that answer as missing
 * and coalesces the refetch.
 */
import { DurableObject } from "cloudflare:workers";
import { TierLeases } from "./leases";
import { AnswerStore } from "./store";
import type { TierEntry } from "./wire";

/** What `lookup` answers. */
export type TierLookup =
  /** An answer under the key (the caller judges it). */
  | { kind: "hit"; entry: TierEntry }
  /** Nothing usable: the caller asks the origin and writes back (`put`) or gives up (`release`). */
  | { kind: "lease" }
  /** Another location holds the lease: `wait` for its answer. */
  | { kind: "pending" }
  /** Nothing usable and too many leases: the caller asks the origin, uncoalesced. */
  | { kind: "miss" };

/** Longest lease a caller may ask for, and longest wait (both bounded by the caller's origin timeout). */
const MAX_LEASE_MS = 30_000;

/** The methods locations call (the class's RPC surface). */
export interface AnswerTierRpc {
  lookup(key: string, leaseMs: number, rejected?: number): TierLookup;
  wait(key: string, ms: number): Promise<TierEntry | null>;
  put(key: string, entry: TierEntry, ttlSeconds: number): boolean;
  release(key: string): void;
}

export class AnswerTier extends DurableObject implements AnswerTierRpc {
  private readonly store: AnswerStore;
  private leases: TierLeases<TierEntry> | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.store = new AnswerStore(ctx.storage.sql, () => Date.now());
  }

  /**
   * The entry under `key`, unless its snapshot is at or below `rejected` (the caller found that
   * answer not current for its view); otherwise a lease or a wait.
   */
  lookup(key: string, leaseMs: number, rejected?: number): TierLookup {
    const entry = this.store.get(key);
    if (entry && (rejected === undefined || entry.snapshot > rejected)) return { kind: "hit", entry };
    const claim = this.coalescer().claim(key, clamp(leaseMs));
    return { kind: claim === "busy" ? "miss" : claim };
  }

  /** Waits up to `ms` for the lease holder's answer; `null` when none came. */
  async wait(key: string, ms: number): Promise<TierEntry | null> {
    return (await this.coalescer().wait(key, clamp(ms))) ?? null;
  }

  /** Stores an origin answer (bounded; see `store.ts`) and hands it to every waiter. */
  put(key: string, entry: TierEntry, ttlSeconds: number): boolean {
    const stored = this.store.put(key, entry, ttlSeconds);
    this.coalescer().settle(key, entry);
    return stored;
  }

  /** The lease holder has nothing to write (the answer may not be stored, or the origin failed). */
  release(key: string): void {
    this.coalescer().settle(key, undefined);
  }

  private coalescer(): TierLeases<TierEntry> {
    return (this.leases ??= new TierLeases({ leaseMs: 10_000, now: () => Date.now() }));
  }
}

function clamp(ms: number): number {
  return Math.min(MAX_LEASE_MS, Math.max(1, Math.trunc(Number(ms) || 0)));
}
