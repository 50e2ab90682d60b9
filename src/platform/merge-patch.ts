/**
 * JSON Merge Patch (RFC 7396): how `PATCH /admin/projects/{p}/{e}` changes a stored configuration.
 * A member set to `null` removes it, an object member merges into the target's object, anything
 * else (a scalar, an array) replaces the target's value whole; a patch that is not an object
 * replaces the target.
 */
import { LimitExceededError } from "../errors";
import { DEFAULT_LIMITS } from "../graphql/limits";

/**
 * The target with `patch` applied (RFC 7396 §2), neither argument changed. Recursive along the
 * patch only, and the patch may nest at most `maxDepth` levels (the deployment's
 * `limits.maxJsonDepth`, already enforced on the request body; checked again here so this function
 * is safe on its own): deeper is `400 LIMIT_EXCEEDED`. A `__proto__` member stays an ordinary own
 * member, as `JSON.parse` made it, so validation sees it and refuses it rather than it silently
 * changing an object's prototype.
 *
 * @example
 * applyMergePatch({ a: 1, cache: { maxAge: 60, staleIfError: 10 } }, { a: null, cache: { maxAge: 5 } });
 * // { cache: { maxAge: 5, staleIfError: 10 } }
 * applyMergePatch({ list: [1, 2] }, { list: [3] }); // { list: [3] }
 */
export function applyMergePatch(target: unknown, patch: unknown, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): unknown {
  return merge(target, patch, 1, maxDepth);
}

function merge(target: unknown, patch: unknown, depth: number, maxDepth: number): unknown {
  if (!isObject(patch)) return patch;
  if (depth > maxDepth)
    throw new LimitExceededError("jsonDepth", maxDepth, depth, `A merge patch may nest ${maxDepth} levels of objects and arrays.`);
  const result: Record<string, unknown> = {};
  if (isObject(target)) for (const [key, value] of Object.entries(target)) define(result, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else define(result, key, merge(Object.hasOwn(result, key) ? result[key] : undefined, value, depth + 1, maxDepth));
  }
  return result;
}

/** Sets an own enumerable member, `__proto__` included (plain assignment would set the prototype). */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
