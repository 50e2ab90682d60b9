/**
 * Cache keys remembered per request shape, so a repeated request finds its key without
 * normalizing the document, canonicalizing variables or hashing again. A key no longer carries
 * version numbers (an entry carries its dependencies instead, see `content-cache.ts`), so a
 * shape's key never changes.
 */
import { cacheKey, type CacheKey, type CacheKeyInput } from "../cache/key";
import { KEY_PLAN_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";
import type { DocumentNode } from "graphql";
import type { ProjectRef } from "../projects/types";

/**
 * What a request's cache key is made of, as the cache step holds it (`ContentCacheRequest` in
 * `content-cache.ts` extends it): effective scope, the forwarded document, its operation and
 * variables, the permission fingerprint, and optionally the shape key that determines them all.
 */
export interface KeyedRequest {
  ref: ProjectRef;
  /** Effective root stage and locales (also sent to the origin). */
  stage: string;
  locales: string[];
  /** The document forwarded to the origin (conditions applied), its operation and variables. */
  query: string;
  /** The same document as parsed, when it is at hand (the key is then made without parsing `query`). */
  document?: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown> | null;
  /** Fingerprint of the caller's effective permissions (not the token). */
  fingerprint: string;
  /**
   * Optional: a string that determines `query`, `operationName`, `variables`, `stage`, `locales`,
   * `fingerprint` and the request's dependencies — the same string always comes with the same
   * values (the pipeline passes its decision-memo key). A repeated request shape then reuses its
   * cache key instead of re-deriving it; without it the key is derived from the fields every time.
   */
  shapeKey?: string;
}

/** A request shape's key, and what it was made from (checked on every use). */
interface KeyPlan {
  readonly projectId: string;
  readonly environment: string;
  readonly query: string;
  readonly stage: string;
  readonly fingerprint: string;
  readonly key: CacheKey;
}

const keyPlans = new Lru<KeyPlan>({
  ...KEY_PLAN_BOUNDS,
  sizeOf: (plan, key) => (key.length + plan.query.length) * 2 + 512,
});

/**
 * The cache key of a request: remembered per `shapeKey` (the pipeline's decision-memo key, which
 * determines everything the key is made of), derived from the request's fields otherwise.
 *
 * @example const key = knownKey(req) ?? (await deriveKey(req));
 */
export function knownKey(req: KeyedRequest): CacheKey | undefined {
  if (req.shapeKey === undefined) return undefined;
  const plan = keyPlans.get(req.shapeKey);
  if (
    plan &&
    plan.projectId === req.ref.projectId &&
    plan.environment === req.ref.environment &&
    plan.query === req.query &&
    plan.stage === req.stage &&
    plan.fingerprint === req.fingerprint
  ) {
    return plan.key;
  }
  return undefined;
}

/** What a request's cache key is made of (also what the admin explain shows). */
export function keyInputOf(req: KeyedRequest): CacheKeyInput {
  return {
    projectId: req.ref.projectId,
    environment: req.ref.environment,
    stage: req.stage,
    locales: req.locales,
    query: req.query,
    ...(req.document ? { document: req.document } : {}),
    operationName: req.operationName,
    variables: req.variables,
    permissionFingerprint: req.fingerprint,
  };
}

/** Derives the key from the request's fields, remembering it for its shape. */
export async function deriveKey(req: KeyedRequest): Promise<CacheKey> {
  const key = await cacheKey(keyInputOf(req));
  if (req.shapeKey !== undefined) {
    keyPlans.set(req.shapeKey, {
      projectId: req.ref.projectId,
      environment: req.ref.environment,
      query: req.query,
      stage: req.stage,
      fingerprint: req.fingerprint,
      key,
    });
  }
  return key;
}
