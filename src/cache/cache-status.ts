/**
 * Response headers that say what the cache did: RFC 9211 `Cache-Status`, the conventional
 * `x-cache` (HIT | MISS | STALE | BYPASS, SPEC §3) and RFC 9111 §5.1 `Age`.
 *
 * `Cache-Status` is a Structured Fields list (RFC 8941); each member names a cache and carries
 * parameters. We emit one member for this gateway, named `content-edge`:
 *
 * | outcome | x-cache | Cache-Status |
 * |---|---|---|
 * | fresh hit | HIT | `content-edge; hit; ttl=42` |
 * | miss, stored | MISS | `content-edge; fwd=miss; stored` |
 * | miss shared with a concurrent identical miss | MISS | `content-edge; fwd=miss; collapsed; stored` |
 * | stale served while revalidating (RFC 5861 §3) | STALE | `content-edge; hit; ttl=-12; detail=stale-while-revalidate` |
 * | stale served because the origin failed (RFC 5861 §4) | STALE | `content-edge; fwd=stale; fwd-status=502; ttl=-90; detail=stale-if-error` |
 * | not cacheable (mutation, error, no-cache request) | BYPASS | `content-edge; fwd=bypass; detail=…` |
 *
 * Why `hit` for stale-while-revalidate: RFC 9211 §2.1 `hit` means the response was satisfied by
 * the cache — which it was; the negative `ttl` (§2.2) says it was stale. For stale-if-error the
 * request *was* forwarded because the stored response was stale (`fwd=stale`, §2.3) and the
 * origin's failure is reported with `fwd-status` (§2.4).
 */

/** The cache name used in `Cache-Status` (RFC 9211 §2: an identifier for the cache). */
export const CACHE_NAME = "content-edge";

export type CacheOutcome =
  | { kind: "hit"; ttl: number }
  | { kind: "miss"; stored: boolean; collapsed?: boolean }
  | { kind: "stale"; reason: "stale-while-revalidate"; ttl: number }
  | { kind: "stale"; reason: "stale-if-error"; ttl: number; fwdStatus?: number }
  | { kind: "bypass"; detail?: string };

/** The `x-cache` value for an outcome. @example xCache({ kind: "miss", stored: true }) // "MISS" */
export function xCache(outcome: CacheOutcome): "HIT" | "MISS" | "STALE" | "BYPASS" {
  switch (outcome.kind) {
    case "hit":
      return "HIT";
    case "miss":
      return "MISS";
    case "stale":
      return "STALE";
    case "bypass":
      return "BYPASS";
  }
}

/** An RFC 8941 token is emitted bare; anything else as an sf-string. */
function sfValue(value: string): string {
  return /^[A-Za-z*][A-Za-z0-9:/!#$%&'*+.^_`|~-]*$/.test(value) ? value : `"${value.replace(/[\\"]/g, "\\$&").replace(/[^\x20-\x7e]/g, "?")}"`;
}

/**
 * The RFC 9211 `Cache-Status` member for an outcome.
 *
 * @example
 * cacheStatus({ kind: "hit", ttl: 42 }); // "content-edge; hit; ttl=42"
 * cacheStatus({ kind: "miss", stored: true }); // "content-edge; fwd=miss; stored"
 * cacheStatus({ kind: "bypass", detail: "mutation" }); // "content-edge; fwd=bypass; detail=mutation"
 */
export function cacheStatus(outcome: CacheOutcome): string {
  const params: string[] = [CACHE_NAME];
  switch (outcome.kind) {
    case "hit":
      params.push("hit", `ttl=${Math.trunc(outcome.ttl)}`);
      break;
    case "miss":
      params.push("fwd=miss");
      if (outcome.collapsed) params.push("collapsed");
      if (outcome.stored) params.push("stored");
      break;
    case "stale":
      if (outcome.reason === "stale-while-revalidate") {
        params.push("hit", `ttl=${Math.trunc(outcome.ttl)}`, "detail=stale-while-revalidate");
      } else {
        params.push("fwd=stale");
        if (outcome.fwdStatus !== undefined) params.push(`fwd-status=${Math.trunc(outcome.fwdStatus)}`);
        params.push(`ttl=${Math.trunc(outcome.ttl)}`, "detail=stale-if-error");
      }
      break;
    case "bypass":
      params.push("fwd=bypass");
      if (outcome.detail) params.push(`detail=${sfValue(outcome.detail)}`);
      break;
  }
  return params.join("; ");
}

/**
 * The three headers at once: `x-cache`, `cache-status` and, when an entry was served (hit or
 * stale), `age` in whole seconds (RFC 9111 §5.1).
 *
 * @example
 * cacheHeaders({ kind: "hit", ttl: 42 }, 18);
 * // { "x-cache": "HIT", "cache-status": "content-edge; hit; ttl=42", age: "18" }
 */
export function cacheHeaders(outcome: CacheOutcome, age?: number): Record<string, string> {
  const headers: Record<string, string> = { "x-cache": xCache(outcome), "cache-status": cacheStatus(outcome) };
  if ((outcome.kind === "hit" || outcome.kind === "stale") && age !== undefined) {
    headers.age = String(Math.max(0, Math.floor(age)));
  }
  return headers;
}
