/**
 * Freshness of cached answers (RFC 9111 §4.2) and the stale extensions of RFC 5861
 * (`stale-while-revalidate`, `stale-if-error`), driven by the project's `cache` settings and the
 * Hygraph request headers `hyg-stale-while-revalidate` / `hyg-stale-if-error`.
 *
 * Time is always injected (`now: () => number`, milliseconds since the epoch) so that tests can
 * freeze the clock at every boundary; nothing here reads `Date.now()` itself.
 */
import type { CacheSettings } from "../projects/types";

/** Request header: seconds of stale-while-revalidate the client accepts (Hygraph). */
export const HYG_STALE_WHILE_REVALIDATE = "hyg-stale-while-revalidate";
/** Request header: seconds of stale-if-error the client accepts (Hygraph). */
export const HYG_STALE_IF_ERROR = "hyg-stale-if-error";

/**
 * Upper bounds for the client headers. A client may ask for less or more staleness than the
 * project's settings, but never more than these: one day of serving-while-revalidating (beyond
 * that "stale" means "wrong", and revalidation runs on the first request anyway) and one week of
 * serving-on-error (a long origin outage). Stored entries only live for the project's windows
 * (`storageTtlSeconds`), so a client asking for more can only get what is still stored.
 */
export const MAX_HYG_STALE_WHILE_REVALIDATE = 86_400;
export const MAX_HYG_STALE_IF_ERROR = 604_800;

/** The effective policy for one request, in seconds. */
export interface FreshnessPolicy {
  maxAge: number;
  staleWhileRevalidate: number;
  staleIfError: number;
}

/**
 * Parses RFC 9111 §1.2.2 `delta-seconds` (`1*DIGIT`): `undefined` for anything else (empty,
 * signs, decimals, lists). Values too large to represent are capped at 2147483648 as §1.2.2 says.
 *
 * @example
 * parseDeltaSeconds("30"); // 30
 * parseDeltaSeconds("-1"); // undefined
 * parseDeltaSeconds("1.5"); // undefined
 */
export function parseDeltaSeconds(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  return Math.min(Number(trimmed), 2_147_483_648);
}

/**
 * The effective policy: the project's settings, with each stale window replaced by the client's
 * `hyg-*` header when that header is a valid non-negative integer, clamped to
 * `[0, MAX_HYG_*]`. Invalid header values are ignored (the project value applies).
 *
 * @example
 * effectivePolicy({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 },
 *   new Headers({ "hyg-stale-while-revalidate": "10", "hyg-stale-if-error": "oops" }));
 * // { maxAge: 60, staleWhileRevalidate: 10, staleIfError: 86400 }
 */
export function effectivePolicy(settings: CacheSettings, headers: Headers): FreshnessPolicy {
  const swr = parseDeltaSeconds(headers.get(HYG_STALE_WHILE_REVALIDATE));
  const sie = parseDeltaSeconds(headers.get(HYG_STALE_IF_ERROR));
  return {
    maxAge: Math.max(0, settings.maxAge),
    staleWhileRevalidate: swr === undefined ? Math.max(0, settings.staleWhileRevalidate) : Math.min(swr, MAX_HYG_STALE_WHILE_REVALIDATE),
    staleIfError: sie === undefined ? Math.max(0, settings.staleIfError) : Math.min(sie, MAX_HYG_STALE_IF_ERROR),
  };
}

/**
 * The age (whole seconds) and `ttl` of an entry that is fresh at `now`, or `null` once it is not:
 * `classify`'s `fresh` case without the others (the hit path's fast path asks only this).
 *
 * @example freshAge(Date.now() - 1500, { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 }, Date.now()); // { age: 1, ttl: 59 }
 */
export function freshAge(storedAt: number, policy: FreshnessPolicy, now: number): { age: number; ttl: number } | null {
  const ageMs = Math.max(0, now - storedAt);
  if (ageMs >= policy.maxAge * 1000) return null;
  const age = Math.floor(ageMs / 1000);
  // In its last partial second an entry still has ttl ≥ 1, so `ttl=0` never reads as "fresh".
  return { age, ttl: Math.max(1, policy.maxAge - age) };
}

/**
 * - `fresh`: age < maxAge (RFC 9111 §4.2: fresh while freshness_lifetime > current_age); serve.
 * - `stale-while-revalidate`: stale, and staleness < staleWhileRevalidate (RFC 5861 §3); serve
 *   and refresh in the background.
 * - `stale-if-error`: stale beyond the SWR window but staleness < staleIfError (RFC 5861 §4);
 *   serve only if the origin fails or times out.
 * - `expired`: none of the above; never serve.
 * Windows are half-open: at exactly `maxAge` seconds an entry is stale; a window of 0 never applies.
 */
export type FreshnessState = "fresh" | "stale-while-revalidate" | "stale-if-error" | "expired";

export interface Freshness {
  state: FreshnessState;
  /** Whole seconds since the entry was stored (RFC 9111 §5.1 `Age`, never negative). */
  age: number;
  /** Remaining freshness in whole seconds, negative when stale (RFC 9211 §2.2 `ttl`). */
  ttl: number;
}

/**
 * Classifies an entry stored at `storedAt` (ms) under `policy` at time `now()`.
 *
 * @example
 * const policy = { maxAge: 60, staleWhileRevalidate: 30, staleIfError: 600 };
 * classify(0, policy, () => 59_999); // { state: "fresh", age: 59, ttl: 1 }
 * classify(0, policy, () => 60_000); // { state: "stale-while-revalidate", age: 60, ttl: 0 }
 * classify(0, policy, () => 90_000); // { state: "stale-if-error", age: 90, ttl: -30 }
 */
export function classify(storedAt: number, policy: FreshnessPolicy, now: () => number): Freshness {
  const at = now();
  const fresh = freshAge(storedAt, policy, at);
  if (fresh) return { state: "fresh", ...fresh };
  const ageMs = Math.max(0, at - storedAt);
  const maxAgeMs = policy.maxAge * 1000;
  let state: FreshnessState;
  if (ageMs < maxAgeMs + policy.staleWhileRevalidate * 1000) state = "stale-while-revalidate";
  else if (ageMs < maxAgeMs + policy.staleIfError * 1000) state = "stale-if-error";
  else state = "expired";
  const age = Math.floor(ageMs / 1000);
  return { state, age, ttl: Math.min(0, policy.maxAge - age) };
}

/**
 * How long the stored copy must survive: freshness plus the longest stale window (seconds).
 * 0 means "do not store".
 *
 * @example storageTtlSeconds({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 }); // 86460
 */
export function storageTtlSeconds(policy: FreshnessPolicy): number {
  return policy.maxAge <= 0 && policy.staleWhileRevalidate <= 0 && policy.staleIfError <= 0
    ? 0
    : policy.maxAge + Math.max(policy.staleWhileRevalidate, policy.staleIfError);
}

/** Which `Cache-Control` a response gets. */
export type CacheControlKind = "public" | "private" | "error";

/**
 * What downstream caches are told about a public answer (SPEC §3 "Downstream caches"): how many
 * seconds a browser (`max-age`) and a shared cache (`s-maxage`, RFC 9111 §5.2.2.10) may serve it
 * without asking the gateway again. After that they revalidate with the `ETag`, which costs a
 * `304` without a body when nothing changed.
 */
export interface DownstreamPolicy {
  browserMaxAge: number;
  sharedMaxAge: number;
}

/**
 * The project's downstream policy; settings stored before these fields existed mean 0.
 *
 * @example downstreamPolicy({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 0 }); // { browserMaxAge: 0, sharedMaxAge: 0 }
 */
export function downstreamPolicy(settings: CacheSettings): DownstreamPolicy {
  return { browserMaxAge: Math.max(0, settings.browserMaxAge ?? 0), sharedMaxAge: Math.max(0, settings.sharedMaxAge ?? 0) };
}

/**
 * The longest a downstream cache can keep serving an answer after the gateway invalidated it,
 * in seconds: whichever of the browser and shared-cache lifetimes is longer. The gateway's own
 * `maxAge` and stale windows are not in it: they apply inside the gateway, whose invalidation
 * changes the cache key, and no stale directive is sent downstream.
 *
 * @example downstreamBoundSeconds({ browserMaxAge: 0, sharedMaxAge: 30 }); // 30
 */
export function downstreamBoundSeconds(policy: DownstreamPolicy): number {
  return Math.max(policy.browserMaxAge, policy.sharedMaxAge);
}

/**
 * `Cache-Control` for a response to the client (RFC 9111 §5.2.2):
 * - `public` (answers cached for public requests): `public, max-age=<browserMaxAge>,
 *   s-maxage=<sharedMaxAge>` — 0 and 0 by default, so every downstream cache revalidates with the
 *   ETag before reusing an answer. No `stale-while-revalidate`/`stale-if-error` goes downstream:
 *   they would let a browser or CDN show an answer the gateway has already invalidated, beyond
 *   the stated bound ({@link downstreamBoundSeconds}). Downstream caches subtract the `Age` we
 *   send (RFC 9111 §4.2.3), so a copy never lives longer than these lifetimes.
 * - `private` (any answer computed for a token): `private, no-store`, so no shared cache
 *   (RFC 9111 §5.2.2.7) — nor a browser cache — keeps a token-scoped answer.
 * - `error` (errors, denials, non-cacheable answers): `no-store` (§5.2.2.5).
 *
 * @example
 * cacheControl("public", { browserMaxAge: 0, sharedMaxAge: 60 }); // "public, max-age=0, s-maxage=60"
 * cacheControl("private"); // "private, no-store"
 */
export function cacheControl(kind: CacheControlKind, downstream?: DownstreamPolicy): string {
  if (kind === "error") return "no-store";
  if (kind === "private" || !downstream) return "private, no-store";
  return `public, max-age=${downstream.browserMaxAge}, s-maxage=${downstream.sharedMaxAge}`;
}

/**
 * `Vary` for public cacheable answers (RFC 9110 §12.5.5): the request headers that select a
 * different answer, so that a downstream shared cache keyed on the URL never hands a public
 * answer to a request with another stage, locales, credentials or accepted media type.
 */
export const PUBLIC_VARY = "authorization, gcms-stage, gcms-locales, accept";
