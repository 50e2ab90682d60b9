/**
 * What the `/content` cache step would do with an authorised request right now, in this isolate
 * and location, found with the cache step's own parts — the key (`deriveKey`, `cacheKeyParts`),
 * the judgement of an entry against the location's view of the project's authority
 * (`isCurrent`), the freshness policy (`effectivePolicy`, `storageTtlSeconds`, `classify`) and
 * what it does in each state (`ENTRY_HANDLING`) — but looking instead of acting: the memory layer
 * is peeked (no recency update, no eviction), the location's Cache API is only matched, nothing
 * is fetched or stored and no counter moves.
 */
import { isCurrent, type AuthorityView } from "../authority/view";
import type { XCache } from "../cache/cache-status";
import { classify, effectivePolicy, storageTtlSeconds, type Freshness } from "../cache/freshness";
import type { CacheEntry } from "../cache/entry";
import { cacheKeyParts } from "../cache/key";
import type { ContentCacheRuntime } from "../pipeline/cache-runtime";
import { ENTRY_HANDLING, type ContentCacheRequest } from "../pipeline/content-cache";
import { deriveKey, keyInputOf } from "../pipeline/key-plan";

/** The parts of the cache key, named, exactly as hashed (`cache/key.ts`). */
export interface CacheKeyComponents {
  keyVersion: string;
  projectId: string;
  environment: string;
  stage: string;
  locales: string[];
  /** The normalized document (the forwarded one: conditions AND-ed in, stage and locales pinned). */
  document: string;
  operationName: string | null;
  /** Canonical variables: declared ones only, defaults applied. */
  variables: Record<string, unknown>;
  /** The caller's effective permissions, not the token: `public:…` or `token:…`. */
  permissionFingerprint: string;
  digest: string;
  url: string;
}

export interface CacheProbe {
  /** What `x-cache` the request would get. */
  outcome: XCache;
  /** Why, in a sentence. */
  reason: string;
  key: CacheKeyComponents;
  /**
   * What any answer to this request depends on, whatever it contains (authority members,
   * docs/invalidation.md): `L|stage|model` for lists and model-level answers. An answer also
   * depends on the entries it contains, learned when it is fetched (the entry's `dependencies`).
   */
  dependencies: readonly string[];
  /**
   * The entry under the key, if any: where it was found, its age and remaining freshness (s), what
   * it depends on, and whether none of that changed since it was fetched (`current`).
   */
  entry?: {
    layer: "memory" | "location";
    storedAt: string;
    age: number;
    ttl: number;
    state: Freshness["state"];
    dependencies: readonly string[];
    current: boolean;
  };
  /** The freshness windows this request is judged with (project settings and `hyg-*` headers). */
  policy: { maxAge: number; staleWhileRevalidate: number; staleIfError: number };
}

/**
 * Predicts the cache outcome of `req` (a request the pipeline would hand to `serveContent`).
 *
 * @example const probe = await probeContentCache(req, contentCacheRuntime(kv), Date.now(), view);
 */
export async function probeContentCache(
  req: ContentCacheRequest,
  runtime: ContentCacheRuntime,
  now: number,
  view: AuthorityView,
): Promise<CacheProbe> {
  const policy = effectivePolicy(req.settings, req.request.headers);
  const projectPolicy = effectivePolicy(req.settings, new Headers());
  const key = await deriveKey(req);
  const [keyVersion, projectId, environment, stage, locales, document, operationName, variables, permissionFingerprint] = cacheKeyParts(
    keyInputOf(req),
  );
  const components: CacheKeyComponents = {
    keyVersion,
    projectId,
    environment,
    stage,
    locales,
    document,
    operationName,
    variables,
    permissionFingerprint,
    digest: key.digest,
    url: key.url,
  };
  const base = { key: components, dependencies: req.dependencies, policy };

  if (storageTtlSeconds(projectPolicy) <= 0) {
    return {
      ...base,
      outcome: "BYPASS",
      reason:
        "Caching is off for this project (maxAge, staleWhileRevalidate and staleIfError are all 0): every request goes to the origin.",
    };
  }
  const inMemory = runtime.cache.memory.peekSync(key.url);
  let found: { entry: CacheEntry; layer: "memory" | "location" } | undefined = inMemory ? { entry: inMemory, layer: "memory" } : undefined;
  if (!found) {
    const remote = await runtime.cache.edge.match(key.url).catch(() => undefined);
    if (remote) found = { entry: remote, layer: "location" };
  }
  if (!found) {
    return {
      ...base,
      outcome: "MISS",
      reason:
        "No entry under this key: the origin would be asked, and its answer stored if it is a 200 without GraphQL errors (otherwise the answer is a BYPASS).",
    };
  }
  const freshness = classify(found.entry.storedAt, policy, () => now);
  const current = isCurrent(view, found.entry.snapshot, found.entry.checks, found.entry.dependsOnEntries);
  const entry = {
    layer: found.layer,
    storedAt: new Date(found.entry.storedAt).toISOString(),
    age: freshness.age,
    ttl: freshness.ttl,
    state: freshness.state,
    dependencies: found.entry.dependencies,
    current,
  };
  const where = found.layer === "memory" ? "in this isolate's memory" : "in this location's Cache API";
  if (!current) {
    return {
      ...base,
      entry,
      outcome: "MISS",
      reason: `The entry ${where} depends on something that changed since it was fetched (a purge, a publish, a webhook…): it is never served again; the origin would be asked.`,
    };
  }
  switch (ENTRY_HANDLING[freshness.state]) {
    case "hit":
      return {
        ...base,
        entry,
        outcome: "HIT",
        reason: `A fresh entry ${where} (age ${freshness.age} s, ${freshness.ttl} s of freshness left).`,
      };
    case "stale":
      return {
        ...base,
        entry,
        outcome: "STALE",
        reason: `The entry ${where} is ${-freshness.ttl} s past maxAge, inside stale-while-revalidate: it would be served while one background refresh runs.`,
      };
    case "forward-or-stale":
      return {
        ...base,
        entry,
        outcome: "MISS",
        reason: `The entry ${where} is past stale-while-revalidate: the origin would be asked; the entry would be served (STALE) only if the origin failed (stale-if-error).`,
      };
    case "forward":
      return { ...base, entry, outcome: "MISS", reason: `The entry ${where} has expired: the origin would be asked.` };
  }
}
