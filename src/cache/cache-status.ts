/**
 * Response headers that say what the cache did: RFC 9211 `Cache-Status`, the conventional
 * `x-cache` (HIT | MISS | STALE | BYPASS, SPEC §3) and RFC 9111 §5.1 `Age`.
 *
 * `Cache-Status` is a Structured Fields list (RFC 8941); each member names a cache and carries
 * parameters. We emit one member for this gateway, named `content-edge`. Every outcome the cache
 * step sends is a {@link CacheOutcome}; {@link CACHE_OUTCOMES} lists them all with their headers,
 * and docs/caching.md shows that table (test/docs/cache-outcomes.test.ts keeps the page equal to it).
 *
 * Why `hit` for stale-while-revalidate: RFC 9211 §2.1 `hit` means the response was satisfied by
 * the cache — which it was; the negative `ttl` (§2.2) says it was stale. For stale-if-error the
 * request *was* forwarded because the stored response was stale (`fwd=stale`, §2.3) and the
 * origin's failure is reported with `fwd-status` (§2.4). An answer the origin gave that may not be
 * stored was forwarded as a miss (`fwd=miss`) and says why in `detail` (§2.8); `x-cache: BYPASS`
 * then means "not cacheable", as Cloudflare's `cf-cache-status: BYPASS` does.
 */
import type { NotStorableReason } from "./entry";

/** The cache name used in `Cache-Status` (RFC 9211 §2: an identifier for the cache). */
export const CACHE_NAME = "content-edge";

/** Everything the cache step can say about one answer; each maps to exactly one `x-cache` and `Cache-Status`. */
export type CacheOutcome =
  /** A fresh entry served; `ttl`: whole seconds of freshness left. */
  | { kind: "hit"; ttl: number }
  /** No usable entry; the origin's answer was stored (`collapsed`: it shared a concurrent identical request's origin call). */
  | { kind: "miss"; stored: true; collapsed?: boolean }
  /** No usable entry and the origin failed; `fwdStatus`: the status it answered with, when it answered. */
  | { kind: "miss"; stored: false; fwdStatus?: number }
  /** A stale entry served while one background refresh runs (RFC 5861 §3); `ttl` is negative. */
  | { kind: "stale"; reason: "stale-while-revalidate"; ttl: number }
  /** A stale entry served because the origin failed (RFC 5861 §4); `fwdStatus`: 502, 504 or the origin's status. */
  | { kind: "stale"; reason: "stale-if-error"; ttl: number; fwdStatus?: number }
  /** The origin answered, but the answer may not be stored: `detail` says why. */
  | { kind: "uncacheable"; detail: NotStorableReason; collapsed?: boolean }
  /** The cache was not consulted (`detail: "disabled"`: caching is off for the project). */
  | { kind: "bypass"; detail?: string };

/** The `x-cache` values (SPEC §3). */
export type XCache = "HIT" | "MISS" | "STALE" | "BYPASS";

/**
 * Every outcome the `/content` cache step sends, with the status it goes with: the one table of
 * the vocabulary (each row's `example` renders its headers). docs/caching.md shows it.
 */
export const CACHE_OUTCOMES: ReadonlyArray<{ when: string; status: string; example: CacheOutcome }> = [
  { when: "fresh entry (`ttl`: seconds of freshness left)", status: "200", example: { kind: "hit", ttl: 42 } },
  {
    when: "stale entry inside stale-while-revalidate, refreshed in the background (`ttl`: negative, seconds since it went stale)",
    status: "200",
    example: { kind: "stale", reason: "stale-while-revalidate", ttl: -12 },
  },
  {
    when: "stale entry inside stale-if-error, the origin failed (threw, timed out, answered 5xx or not GraphQL) or was not asked (`ORIGIN_BUSY`, `RATE_LIMITED`: no `fwd-status`); `fwd-status`: 504 for a timeout, else the origin's status or 502",
    status: "200",
    example: { kind: "stale", reason: "stale-if-error", ttl: -90, fwdStatus: 502 },
  },
  { when: "no usable entry, the origin's answer stored", status: "200", example: { kind: "miss", stored: true } },
  {
    when: "the same, sharing a concurrent identical request's origin call",
    status: "200",
    example: { kind: "miss", stored: true, collapsed: true },
  },
  {
    when: "no usable entry, the origin answered, but not with a GraphQL answer (`fwd-status`: its status)",
    status: "502",
    example: { kind: "miss", stored: false, fwdStatus: 503 },
  },
  { when: "no usable entry, the origin could not be reached or timed out", status: "502 / 504", example: { kind: "miss", stored: false } },
  {
    when: "the origin answered, but the answer may not be stored (`detail`: why, below)",
    status: "the origin's",
    example: { kind: "uncacheable", detail: "graphql-errors" },
  },
  {
    when: "the same, sharing a concurrent identical request's origin call",
    status: "the origin's",
    example: { kind: "uncacheable", detail: "set-cookie", collapsed: true },
  },
  {
    when: "caching is off for the project (`maxAge`, `staleWhileRevalidate` and `staleIfError` all 0)",
    status: "the origin's, or 502 / 504",
    example: { kind: "bypass", detail: "disabled" },
  },
];

/** The `x-cache` value for an outcome. @example xCache({ kind: "miss", stored: true }) // "MISS" */
export function xCache(outcome: CacheOutcome): XCache {
  switch (outcome.kind) {
    case "hit":
      return "HIT";
    case "miss":
      return "MISS";
    case "stale":
      return "STALE";
    case "uncacheable":
    case "bypass":
      return "BYPASS";
  }
}

/** An RFC 8941 token is emitted bare; anything else as an sf-string. */
function sfValue(value: string): string {
  return /^[A-Za-z*][A-Za-z0-9:/!#$%&'*+.^_`|~-]*$/.test(value)
    ? value
    : `"${value.replace(/[\\"]/g, "\\$&").replace(/[^\x20-\x7e]/g, "?")}"`;
}

/**
 * The RFC 9211 `Cache-Status` member for an outcome.
 *
 * @example
 * cacheStatus({ kind: "hit", ttl: 42 }); // "content-edge; hit; ttl=42"
 * cacheStatus({ kind: "miss", stored: true }); // "content-edge; fwd=miss; stored"
 * cacheStatus({ kind: "uncacheable", detail: "graphql-errors" }); // "content-edge; fwd=miss; detail=graphql-errors"
 */
export function cacheStatus(outcome: CacheOutcome): string {
  const params: string[] = [CACHE_NAME];
  switch (outcome.kind) {
    case "hit":
      params.push("hit", `ttl=${Math.trunc(outcome.ttl)}`);
      break;
    case "miss":
      params.push("fwd=miss");
      if (outcome.stored) {
        if (outcome.collapsed) params.push("collapsed");
        params.push("stored");
      } else if (outcome.fwdStatus !== undefined) {
        params.push(`fwd-status=${Math.trunc(outcome.fwdStatus)}`);
      }
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
    case "uncacheable":
      params.push("fwd=miss");
      if (outcome.collapsed) params.push("collapsed");
      params.push(`detail=${sfValue(outcome.detail)}`);
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
