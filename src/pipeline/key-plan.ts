/**
 * Cache keys remembered per request shape, so a repeated request finds its key without
 * canonicalizing variables or hashing again — and re-derives it the moment any version it was
 * made with moves (a purge, a webhook, a mutation).
 */
import { cacheKeyFromStem, cacheKeyStem, type CacheKey, type CacheKeyStem } from "../cache/key";
import { Lru } from "../cache/lru";
import { membersFor, versionKeys, type VersionStore, type VersionVector } from "../cache/versions";
import type { ContentCacheRequest } from "./content-cache";

/**
 * What a request shape (`ContentCacheRequest.shapeKey`) needs to find its cache key again: the
 * key's versions-independent stem, the version-vector members it reads, and the last key made
 * with the last version values seen. The key is a pure function of stem and values, so a repeat
 * request whose versions have not moved gets the same key without canonicalizing or hashing; any
 * bump changes a value and so the key. Bounded like the decision memo it mirrors.
 */
export interface KeyPlan {
  readonly projectId: string;
  readonly environment: string;
  /** Checked on every use, so a plan is never applied to a request it was not made for. */
  readonly query: string;
  readonly stage: string;
  readonly fingerprint: string;
  readonly stem: CacheKeyStem;
  readonly stages: string[];
  readonly members: string[];
  readonly storeKeys: string[];
  last?: { values: number[]; key: CacheKey };
}

const keyPlans = new Lru<KeyPlan>({
  maxEntries: 5_000,
  maxBytes: 16 * 1024 * 1024,
  sizeOf: (plan, key) => (key.length + plan.stem.material.length) * 2 + 512,
});

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The key plan of a request's shape (made on first use); `undefined` without a `shapeKey`.
 *
 * @example const key = knownKey(keyPlanFor(req), versions) ?? (await deriveKey(req, keyPlanFor(req), versions));
 */
export function keyPlanFor(req: ContentCacheRequest): KeyPlan | undefined {
  const { shapeKey, ref, query, stage, fingerprint } = req;
  if (shapeKey === undefined) return undefined;
  const known = keyPlans.get(shapeKey);
  if (
    known &&
    known.projectId === ref.projectId &&
    known.environment === ref.environment &&
    known.query === query &&
    known.stage === stage &&
    known.fingerprint === fingerprint
  ) {
    return known;
  }
  const stages = [...new Set([stage, ...req.stages])];
  const members = membersFor(stages, req.models);
  const plan: KeyPlan = {
    projectId: ref.projectId,
    environment: ref.environment,
    query,
    stage,
    fingerprint,
    stem: stemOf(req),
    stages,
    members,
    storeKeys: versionKeys(ref.projectId, ref.environment, members),
  };
  keyPlans.set(shapeKey, plan);
  return plan;
}

/** The versions-independent part of a request's cache key (also what the admin explain shows). */
export function stemOf(req: ContentCacheRequest): CacheKeyStem {
  return cacheKeyStem({
    projectId: req.ref.projectId,
    environment: req.ref.environment,
    stage: req.stage,
    locales: req.locales,
    query: req.query,
    operationName: req.operationName,
    variables: req.variables,
    permissionFingerprint: req.fingerprint,
  });
}

/** The plan's last key, when every version it was made with is still the current (locally fresh) one. */
export function knownKey(plan: KeyPlan | undefined, store: VersionStore): CacheKey | undefined {
  const last = plan?.last;
  if (!plan || !last) return undefined;
  const values = store.localValues?.(plan.storeKeys);
  return values && sameValues(values, last.values) ? last.key : undefined;
}

/** Reads the version vector (KV when not fresh in the isolate) and derives the key, remembering it in the plan. */
export async function deriveKey(req: ContentCacheRequest, plan: KeyPlan | undefined, store: VersionStore): Promise<CacheKey> {
  return (await keyWithVersions(req, plan, store)).key;
}

/** {@link deriveKey} and the version vector the key was made with. */
export async function keyWithVersions(req: ContentCacheRequest, plan: KeyPlan | undefined, store: VersionStore): Promise<{ key: CacheKey; versions: VersionVector }> {
  const { projectId, environment } = req.ref;
  const stages = plan?.stages ?? [...new Set([req.stage, ...req.stages])];
  const versions: VersionVector = await store.get(projectId, environment, stages, req.models);
  const key = await cacheKeyFromStem(plan?.stem ?? stemOf(req), versions);
  if (plan) {
    const values = plan.members.map((m) => versions[m] ?? 0);
    // Only a vector of exactly the planned members is remembered (a store could answer more).
    if (Object.keys(versions).length === values.length && plan.members.every((m) => m in versions)) plan.last = { values, key };
  }
  return { key, versions };
}

