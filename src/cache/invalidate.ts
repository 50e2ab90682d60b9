/**
 * Invalidation by model and stage (SPEC §3): the one entry point every trigger uses — a successful
 * `/v2` mutation, a signed webhook, an admin purge. It bumps version counters (`versions.ts`);
 * every cached key that included a bumped counter becomes unreachable, without enumerating the
 * cache.
 *
 * The version store is one per KV namespace and isolate ({@link versionStore}), shared with
 * `serveContent`, so a bump made in this isolate is seen by the very next request here: the
 * isolate's own copy of the counter is set synchronously when `invalidate` is called, before the
 * KV write. Other isolates of the location see it within `KvVersionStore`'s local TTL (1 s);
 * other locations once Workers KV has propagated the write (about 60 s) plus that TTL.
 */
import type { ProjectRef } from "../projects/types";
import { KvVersionStore, type KVLike } from "./versions";

/** Stages or models to invalidate: a list of names, or `"*"` for all of them. */
export type InvalidationScope = readonly string[] | "*";

const stores = new WeakMap<object, KvVersionStore>();

/**
 * The isolate's version store for a KV namespace (created on first use, then shared by
 * `serveContent`, `invalidate` and anything else that reads or bumps versions).
 *
 * @example const vector = await versionStore(env.CONFIG).get("demo", "master", ["PUBLISHED"], ["Post"]);
 */
export function versionStore(kv: KVLike): KvVersionStore {
  let store = stores.get(kv);
  if (!store) {
    store = new KvVersionStore(kv);
    stores.set(kv, store);
  }
  return store;
}

/** A list containing `"*"` means every name; duplicates and empty names are dropped. */
export function normalizeScope(scope: InvalidationScope): string[] | "*" {
  if (scope === "*") return "*";
  const names = [...new Set(scope.filter((name) => typeof name === "string" && name.length > 0))];
  return names.includes("*") ? "*" : names;
}

/**
 * Makes every cached answer of `ref` that may contain one of `models` in one of `stages` stale.
 *
 * - `stages: ["DRAFT"]` leaves PUBLISHED answers alone (an update or create);
 * - `stages: "*"` hits every stage (a delete, or an unknown webhook operation);
 * - `models: "*"` hits every model of those stages; `("*", "*")` is everything of the project
 *   and environment (an admin purge with an empty body).
 * An empty list of stages or models invalidates nothing.
 *
 * Visible in this isolate as soon as it is called (before the returned promise settles); the
 * promise resolves when KV has the new counters (hand it to `waitUntil` when the caller need not
 * wait) and rejects if KV refuses the write after retries.
 *
 * @example
 * await invalidate(env.CONFIG, { projectId: "demo", environment: "master" }, ["DRAFT"], ["Post"]);
 * ctx.waitUntil(invalidate(env.CONFIG, ref, "*", ["Post"])); // deletePost
 */
export function invalidate(kv: KVLike, ref: ProjectRef, stages: InvalidationScope, models: InvalidationScope): Promise<void> {
  const s = normalizeScope(stages);
  const m = normalizeScope(models);
  if (s.length === 0 || m.length === 0) return Promise.resolve();
  // Not `async`: the bump's synchronous part (the isolate-local counters) runs before we return.
  return versionStore(kv).bump(ref.projectId, ref.environment, s, m);
}
