/**
 * How a location reaches the shared tier (`object.ts`): the shard an answer lives in, and every
 * call bounded by a short timeout so that an unreachable or slow tier costs a miss at most
 * `timeoutMs` before it goes to the origin as it would without a tier ("fail open to the origin,
 * never to a wrong answer": whatever the tier returns is judged by the location afterwards).
 */
import { authorityName } from "../authority/client";
import type { CacheEntry } from "../cache/entry";
import type { CacheKey } from "../cache/key";
import type { ProjectRef } from "../projects/types";
import type { AnswerTierRpc } from "./object";
import { fromTierEntry, toTierEntry } from "./wire";

/** Shards per project and environment: spreads one project's misses over 16 objects (16 × ~1,000 req/s each). */
export const TIER_SHARDS = 16;
/** A tier call that has not answered by then is a miss (a local round trip is ~1 ms, Cloudflare's tens of ms). */
export const DEFAULT_TIER_TIMEOUT_MS = 250;

/** What a location learns from the tier for a key. */
export type TierAnswer =
  | { kind: "hit"; entry: CacheEntry }
  | { kind: "lease" }
  | { kind: "pending" }
  | { kind: "miss" }
  /** The tier failed or was slow: behave as without a tier. */
  | { kind: "unavailable" };

/** The shared tier as the cache step uses it. Every method fails open (never rejects). */
export interface SharedTier {
  /** The answer under `key`; `rejected`: the snapshot of an answer the caller found not current. */
  lookup(ref: ProjectRef, key: CacheKey, rejected?: number): Promise<TierAnswer>;
  /** Waits up to `ms` for the lease holder's answer. */
  wait(ref: ProjectRef, key: CacheKey, ms: number): Promise<CacheEntry | undefined>;
  /** Writes an origin answer back (and wakes waiters). */
  put(ref: ProjectRef, key: CacheKey, entry: CacheEntry, ttlSeconds: number): Promise<void>;
  /** Gives a lease back without an answer. */
  release(ref: ProjectRef, key: CacheKey): Promise<void>;
}

export interface TierOptions {
  /** Bound on every call but `wait` (which adds it to the wait). Default {@link DEFAULT_TIER_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** How long a lease holder has to write back: the origin timeout plus room. */
  leaseMs: number;
}

/**
 * The shard (object name) holding `key`: the project's authority name, `#`, and the first hex digit
 * of the key's digest (`TIER_SHARDS` = 16).
 *
 * @example tierName({ projectId: "demo", environment: "master" }, key); // "demo/master#a"
 */
export function tierName(ref: ProjectRef, key: CacheKey): string {
  return `${authorityName(ref)}#${key.digest.slice(0, 1)}`;
}

/**
 * The tier over a Durable Object namespace (binding `TIER`, class `AnswerTier`).
 *
 * @example
 * const tier = durableTier(env.TIER, { leaseMs: originTimeoutMs + 1_000 });
 * const answer = await tier.lookup(ref, key); // { kind: "unavailable" } when the tier is down
 */
export function durableTier(namespace: DurableObjectNamespace, options: TierOptions): SharedTier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIER_TIMEOUT_MS;
  const stub = (ref: ProjectRef, key: CacheKey) => namespace.get(namespace.idFromName(tierName(ref, key))) as unknown as AnswerTierRpc;
  return {
    async lookup(ref, key, rejected) {
      try {
        const answer = await bounded(stub(ref, key).lookup(key.url, options.leaseMs, rejected), timeoutMs);
        if (answer === TIMED_OUT) return { kind: "unavailable" };
        return answer.kind === "hit" ? { kind: "hit", entry: fromTierEntry(answer.entry) } : { kind: answer.kind };
      } catch {
        return { kind: "unavailable" };
      }
    },
    async wait(ref, key, ms) {
      try {
        const wire = await bounded(stub(ref, key).wait(key.url, ms), ms + timeoutMs);
        return wire && wire !== TIMED_OUT ? fromTierEntry(wire) : undefined;
      } catch {
        return undefined;
      }
    },
    async put(ref, key, entry, ttlSeconds) {
      try {
        await bounded(stub(ref, key).put(key.url, toTierEntry(entry), ttlSeconds), timeoutMs * 4);
      } catch {
        // A lost write costs the next location a miss, nothing else.
      }
    },
    async release(ref, key) {
      try {
        await bounded(stub(ref, key).release(key.url), timeoutMs);
      } catch {
        // Waiters time out by themselves.
      }
    },
  };
}

const TIMED_OUT = Symbol("timed-out");

async function bounded<T>(call: T | Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([Promise.resolve(call), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
