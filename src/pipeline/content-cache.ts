/**
 * The `/content` cache step (SPEC §3, issue 4): memory → Workers Cache API → origin, with
 * permission-scoped keys, entries judged against the project authority's view (their
 * dependencies, `src/authority`), stale serving, coalescing and the response headers that say
 * what happened.
 *
 * What a response says in `x-cache` and RFC 9211 `Cache-Status` is a `CacheOutcome`; every one
 * of them, with its headers, is listed once: `CACHE_OUTCOMES` in `src/cache/cache-status.ts`
 * (shown in docs/caching.md). MISS always means "will be a HIT next time" (or the origin failed);
 * BYPASS means "this answer is not cacheable". Request `Cache-Control: no-cache` from clients is
 * ignored (as CDNs do by default): a reload button must not be a way to send every request to the
 * origin; `hyg-stale-*` headers are how clients ask for less staleness.
 *
 * Every answer also has: `Cache-Control` — `public, max-age=<browserMaxAge>, s-maxage=<sharedMaxAge>`
 * only for the public principal's cacheable answers (browsers and CDNs revalidate with the ETag;
 * see `cacheControl`), `private, no-store` for a
 * token's (a shared cache downstream must never keep a token-scoped answer), `no-store` for
 * BYPASS and errors; `Vary: authorization, gcms-stage, gcms-locales, accept`; `Server-Timing:
 * cache;desc=<x-cache>;dur=<gateway ms>[, origin;dur=<origin ms>]`; `Age` on HIT and STALE;
 * and, for GET answers that come from or went into the cache, a strong `ETag` with
 * `If-None-Match` → `304` without a body.
 */
import { cacheHeaders, type CacheOutcome } from "../cache/cache-status";
import type { CoalesceRole, SharedResult } from "../cache/coalesce";
import { createEntry, etagMatches, isStorable, type CacheEntry, type NotStorableReason } from "../cache/entry";
import {
  cacheControl,
  classify,
  downstreamPolicy,
  effectivePolicy,
  PUBLIC_VARY,
  storageTtlSeconds,
  type FreshnessPolicy,
  type FreshnessState,
} from "../cache/freshness";
import type { CacheKey } from "../cache/key";
import type { AnswerStat } from "../stats/recorder";
import { ForwardGuardError, GatewayError, OriginError, OriginTimeoutError } from "../errors";
import { errorResponse } from "../http/graphql-response";
import { contentTypeHeader, type GraphQLMediaType } from "../http/media-type";
import type { OriginAnswer } from "../origin/client";
import type { CacheSettings } from "../projects/types";
import { isCurrent, type AuthorityView } from "../authority/view";
import { contentCacheRuntime, type ContentCacheRuntime } from "./cache-runtime";
import { deriveKey, knownKey, type KeyedRequest } from "./key-plan";
import { assertGraphQLAnswer, originResponse } from "./origin-response";
import type { SharedTier } from "../tier/client";
import { askTier, tierHeaders, type TierVia } from "./tier-lookup";

/** Bound on one tier call in a shared question's wait (`TIER_TIMEOUT_MS` is far below it). */
const MAX_TIER_CALL_MS = 1_000;

/** Everything the cache step needs to know about one authorised `/content` operation. */
export interface ContentCacheRequest extends KeyedRequest {
  settings: CacheSettings;
  /** The client's request: method, `If-None-Match`, `hyg-stale-*` headers. */
  request: Request;
  mediaType: GraphQLMediaType;
  /** True for the public principal: the answer may be stored by shared caches downstream. */
  shared: boolean;
  /**
   * What every answer to this operation depends on whatever it contains (authority members,
   * `src/authority/changes.ts`); the origin answer adds what it teaches (`OriginAnswer.dependencies`).
   */
  dependencies: readonly string[];
  /**
   * The answer's dependency on its document (`Q|stage|sha256`, `documentDependency`), so that a
   * purge of that document invalidates it; added to what an origin answer is stored with.
   */
  documentDependency?: string;
  /** The operation's label in the top operations (`operationLabel`: document hash and name); none: not counted there. */
  operation?: string;
}

/** An origin answer with the dependencies learned from the entries it contains (its body already stripped of identity fields). */
export type LearnedOriginAnswer = OriginAnswer & { dependencies?: readonly string[] };

export interface ContentCacheDeps {
  kv: KVNamespace;
  /**
   * The location's view of the project's authority: an entry is served only while none of its
   * dependencies moved past its snapshot, and a new entry's snapshot is the view's `seq` when the
   * origin is asked. The view is read live (it moves forward as the location learns).
   */
  view: AuthorityView;
  waitUntil(promise: Promise<unknown>): void;
  /** Clock (ms since the epoch) for freshness; default the runtime's clock (`Date.now`). */
  now?: () => number;
  /** The cache layers, coalescer and counters; default {@link contentCacheRuntime}`(kv)`. */
  runtime?: ContentCacheRuntime;
  /**
   * Told of every fresh hit: the entry served, the client's freshness windows, and the view's
   * `seq` it was judged current at (what the pipeline's fast path remembers, `fast-path.ts`).
   */
  onHit?: (hit: CacheHit) => void;
  /**
   * The shared tier asked after this location's layers miss and before the origin (SPEC §3c,
   * docs/shared-tier.md); none: straight to the origin.
   */
  tier?: SharedTier | null;
  /** Longest wait for another location's fetch of the same key at the tier (default 5,000 ms). */
  tierWaitMs?: number;
}

/** A fresh hit as `onHit` reports it. */
export interface CacheHit {
  entry: CacheEntry;
  policy: FreshnessPolicy;
  seq: number;
}

/**
 * What the cache step does with an entry found under the key, by its freshness (RFC 9111 §4.2,
 * RFC 5861): serve it (`hit`), serve it and refresh it in the background (`stale`), ask the origin
 * and serve the entry only if the origin fails (`forward-or-stale`), or ask the origin (`forward`).
 * `serveContent` acts on it; the admin explain predicts with it.
 */
export const ENTRY_HANDLING: Readonly<Record<FreshnessState, "hit" | "stale" | "forward-or-stale" | "forward">> = {
  fresh: "hit",
  "stale-while-revalidate": "stale",
  "stale-if-error": "forward-or-stale",
  expired: "forward",
};

/** Pseudo-header carrying the origin's elapsed time inside a shared result (never sent). */
const ORIGIN_MS = "x-content-edge-origin-ms";
/** Origin headers a shared result keeps: what `isStorable` judges and what an entry stores. */
const SHARED_HEADERS = ["content-type", "content-language", "set-cookie", "cache-control"];
const NO_HEADERS = new Headers();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What one participant of a forwarded request makes of the (possibly shared) origin result. */
type Judged =
  | { ok: true; entry: CacheEntry; storable: true; originMs: number; role: CoalesceRole }
  | { ok: true; result: SharedResult; storable: false; reason: NotStorableReason; originMs: number; role: CoalesceRole }
  | { ok: false; error: unknown; fwdStatus?: number; originMs?: number };

/**
 * Serves one authorised `/content` operation from the cache or the origin (see the module
 * comment for every outcome and its headers). `fetchOrigin` is called at most once per request
 * on the request path (concurrent identical misses share one call), and once more in the
 * background for a stale-while-revalidate refresh. Origin failures with no stale entry to fall
 * back on are answered as `errorResponse` does (502 `ORIGIN_ERROR`, 504 `ORIGIN_TIMEOUT`);
 * anything `fetchOrigin` throws that is not a `GatewayError` is rethrown.
 */
export async function serveContent(
  req: ContentCacheRequest,
  fetchOrigin: () => Promise<LearnedOriginAnswer>,
  deps: ContentCacheDeps,
): Promise<Response> {
  const step = new Step(req, fetchOrigin, deps);
  return step.serve();
}

class Step {
  private readonly started = performance.now();
  private readonly runtime: ContentCacheRuntime;
  private readonly now: () => number;
  /** The client's windows (project settings with `hyg-stale-*` applied): decide what is served. */
  private readonly policy: FreshnessPolicy;
  /** The project's windows: decide how long entries are kept. */
  private readonly projectPolicy: FreshnessPolicy;
  /** How the shared tier took part, when it was asked. */
  private tierVia: TierVia | undefined;

  constructor(
    private readonly req: ContentCacheRequest,
    private readonly fetchOrigin: () => Promise<LearnedOriginAnswer>,
    private readonly deps: ContentCacheDeps,
  ) {
    this.runtime = deps.runtime ?? contentCacheRuntime(deps.kv);
    this.now = deps.now ?? this.runtime.now;
    this.policy = effectivePolicy(req.settings, req.request.headers);
    this.projectPolicy = effectivePolicy(req.settings, NO_HEADERS);
  }

  async serve(): Promise<Response> {
    const storageTtl = storageTtlSeconds(this.projectPolicy);
    if (storageTtl <= 0) return this.disabled();

    const key = knownKey(this.req) ?? (await deriveKey(this.req));
    // Memory first without an await; the Cache API (and its failures) only on a memory miss.
    let entry = this.runtime.cache.memory.matchSync(key.url) ?? (await this.lookup(key));
    // An entry whose dependencies moved after it was fetched is gone: never served, not even stale.
    if (entry && !isCurrent(this.deps.view, entry.snapshot, entry.checks, entry.dependsOnEntries)) entry = undefined;
    // Nothing usable here (none, or one the origin would be asked for): another location may have it fresh.
    if (this.deps.tier && (!entry || this.needsOrigin(entry))) entry = (await this.fromTier(this.deps.tier, key, storageTtl)) ?? entry;
    if (entry) {
      const freshness = classify(entry.storedAt, this.policy, this.now);
      switch (ENTRY_HANDLING[freshness.state]) {
        case "hit":
          this.answered("hits");
          // A tier hit does not prime the fast path: its answer names the tier (`x-cache-tier`), a repeat's will not.
          if (this.tierVia === undefined) this.deps.onHit?.({ entry, policy: this.policy, seq: this.deps.view.seq });
          return this.fromEntry(entry, { kind: "hit", ttl: freshness.ttl }, freshness.age);
        case "stale": {
          this.answered("stale");
          const refresh = this.runtime.refreshes.start(key.digest, () => this.refresh(key, storageTtl));
          if (refresh) this.deps.waitUntil(refresh);
          return this.fromEntry(entry, { kind: "stale", reason: "stale-while-revalidate", ttl: freshness.ttl }, freshness.age);
        }
        case "forward-or-stale": {
          const judged = await this.forward(key, storageTtl);
          // The forward guard refusing is the gateway's own failure, not the origin's: no stale answer.
          if (!judged.ok && judged.error instanceof ForwardGuardError) return this.failure(judged);
          if (!judged.ok) {
            this.answered("stale");
            this.record("originErrors");
            const fwdStatus = judged.fwdStatus ?? statusOf(judged.error);
            const outcome: CacheOutcome = { kind: "stale", reason: "stale-if-error", ttl: freshness.ttl, fwdStatus };
            return this.fromEntry(entry, outcome, freshness.age, judged.originMs);
          }
          return this.answer(judged);
        }
        case "forward":
          break;
      }
    }
    const judged = await this.forward(key, storageTtl);
    if (!judged.ok) {
      this.answered("misses");
      if (isOriginFailure(judged.error)) this.record("originErrors");
      return this.failure(judged);
    }
    return this.answer(judged);
  }

  /**
   * The shared tier's answer when this location finds it current and fresh (then also stored
   * here); otherwise nothing, and `tierVia` says whether this request holds the tier's lease.
   */
  private async fromTier(tier: SharedTier, key: CacheKey, storageTtl: number): Promise<CacheEntry | undefined> {
    const waitMs = this.deps.tierWaitMs ?? 5_000;
    const ask = () =>
      askTier({
        tier,
        ref: this.req.ref,
        key,
        waitMs,
        usable: (e) =>
          isCurrent(this.deps.view, e.snapshot, e.checks, e.dependsOnEntries) &&
          classify(e.storedAt, this.policy, this.now).state === "fresh",
      });
    // A shared question's worst case: two lookups and a wait, each bounded, and a margin.
    const { entry, via } = await this.runtime.tierAsks.run(key.digest, ask, waitMs + 3 * MAX_TIER_CALL_MS);
    this.tierVia = via;
    if (entry) this.deps.waitUntil(this.runtime.cache.put(key.url, entry, storageTtl).catch(() => undefined));
    return entry;
  }

  /** Whether this location would ask the origin with `entry` (past its freshness and stale-while-revalidate). */
  private needsOrigin(entry: CacheEntry): boolean {
    const handling = ENTRY_HANDLING[classify(entry.storedAt, this.policy, this.now).state];
    return handling === "forward" || handling === "forward-or-stale";
  }

  /** Memory, then the Cache API; a layer that fails to answer is a miss, never an error. */
  private async lookup(key: CacheKey): Promise<CacheEntry | undefined> {
    try {
      return await this.runtime.cache.match(key.url);
    } catch {
      return undefined;
    }
  }

  /**
   * Calls the origin through the coalescer (one call per key at a time in this isolate) and
   * judges the result; a storable answer is stored by the participant that fetched it (memory at
   * once, the Cache API write via `waitUntil`).
   */
  private async forward(key: CacheKey, storageTtl: number, background = false): Promise<Judged> {
    let shared: { result: SharedResult; role: CoalesceRole };
    try {
      shared = await this.runtime.coalescer.run(key.digest, () => this.fetchShared());
    } catch (error) {
      if (this.tierVia === "lease") this.deps.waitUntil(this.deps.tier!.release(this.req.ref, key));
      return { ok: false, error };
    }
    const judged = await this.judge(shared.result, shared.role);
    // The fetch is timed once, by the request that made it (a follower shares its result and time).
    if (shared.role !== "follower" && judged.originMs !== undefined) this.timeOrigin(judged.originMs);
    if (judged.ok && judged.storable && shared.role !== "follower") {
      const put = this.runtime.cache.put(key.url, judged.entry, storageTtl).catch(() => undefined);
      if (background) await put;
      else this.deps.waitUntil(put);
    }
    this.writeTier(key, judged, shared.role, storageTtl);
    return judged;
  }

  /**
   * The shared tier learns a storable origin answer from the request that fetched it (which also
   * wakes the other locations waiting on this location's lease); a lease holder with nothing
   * storable gives the lease back. In the background: the client never waits.
   */
  private writeTier(key: CacheKey, judged: Judged, role: CoalesceRole, storageTtl: number): void {
    const tier = this.deps.tier;
    if (!tier || role === "follower") return;
    if (judged.ok && judged.storable) this.deps.waitUntil(tier.put(this.req.ref, key, judged.entry, storageTtl));
    else if (this.tierVia === "lease") this.deps.waitUntil(tier.release(this.req.ref, key));
  }

  private async fetchShared(): Promise<SharedResult> {
    // Read before the origin is asked: a change the view already knows is in the answer; any later one moves past it.
    const snapshot = this.deps.view.seq;
    const answer = await this.fetchOrigin();
    const headers: Array<[string, string]> = [];
    answer.headers.forEach((value, name) => {
      if (SHARED_HEADERS.includes(name)) headers.push([name, value]);
    });
    headers.push([ORIGIN_MS, String(answer.elapsedMs)]);
    const document = this.req.documentDependency ? [this.req.documentDependency] : [];
    const members =
      answer.dependencies?.length || document.length
        ? [...new Set([...this.req.dependencies, ...(answer.dependencies ?? []), ...document])].sort()
        : this.req.dependencies;
    return {
      status: answer.status,
      headers,
      body: encoder.encode(answer.body),
      dependencies: { snapshot, members, dependsOnEntries: members.some((m) => m.startsWith("E|")) },
    };
  }

  private async judge(result: SharedResult, role: CoalesceRole): Promise<Judged> {
    const headers = new Headers(result.headers);
    const originMs = Number(headers.get(ORIGIN_MS)) || 0;
    const body = decoder.decode(result.body);
    let parsed: unknown;
    try {
      parsed = assertGraphQLAnswer({ status: result.status, headers, body, elapsedMs: originMs });
    } catch (error) {
      return { ok: false, error, fwdStatus: result.status, originMs };
    }
    // The body is parsed once: the GraphQL check's result is what storability is judged on.
    const verdict = isStorable({ status: result.status, headers }, body, parsed);
    if (!verdict.storable) return { ok: true, result, storable: false, reason: verdict.reason, originMs, role };
    const entry = await createEntry({
      body: result.body,
      headers,
      storedAt: this.now(),
      snapshot: result.dependencies?.snapshot ?? 0,
      dependencies: result.dependencies?.members ?? this.req.dependencies,
    });
    return { ok: true, entry, storable: true, originMs, role };
  }

  /** The background half of stale-while-revalidate: never rejects, never stores an error. */
  private async refresh(key: CacheKey, storageTtl: number): Promise<void> {
    // Another location may have refreshed it already: then no origin call from here.
    if (this.deps.tier && (await this.fromTier(this.deps.tier, key, storageTtl))) return;
    const judged = await this.forward(key, storageTtl, true);
    if (!judged.ok && isOriginFailure(judged.error)) this.record("originErrors");
  }

  /** A successful origin answer: MISS when stored, BYPASS when it may not be. */
  private answer(judged: Extract<Judged, { ok: true }>): Response {
    if (judged.storable) {
      this.answered("misses");
      const collapsed = judged.role === "follower";
      return this.fromEntry(judged.entry, { kind: "miss", stored: true, ...(collapsed ? { collapsed } : {}) }, undefined, judged.originMs);
    }
    this.answered("bypasses");
    const response = new Response(judged.result.body, { status: judged.result.status });
    const outcome: CacheOutcome = {
      kind: "uncacheable",
      detail: judged.reason,
      ...(judged.role === "follower" ? { collapsed: true } : {}),
    };
    return this.finish(response, cacheHeaders(outcome), "no-store", judged.originMs);
  }

  /** Caching is off for the project: straight to the origin, nothing looked up or stored. */
  private async disabled(): Promise<Response> {
    let answer: OriginAnswer;
    try {
      answer = await this.fetchOrigin();
    } catch (error) {
      this.answered("bypasses");
      if (isOriginFailure(error)) this.record("originErrors");
      if (!(error instanceof GatewayError)) throw error;
      return this.finish(errorResponse(error, this.req.mediaType), cacheHeaders({ kind: "bypass", detail: "disabled" }), "no-store");
    }
    this.timeOrigin(answer.elapsedMs);
    this.answered("bypasses");
    let response: Response;
    try {
      response = originResponse(answer, this.req.mediaType);
    } catch (error) {
      this.record("originErrors");
      response = errorResponse(error, this.req.mediaType);
    }
    return this.finish(response, cacheHeaders({ kind: "bypass", detail: "disabled" }), "no-store", answer.elapsedMs);
  }

  /** No entry to fall back on and the origin failed: 502/504 as `errorResponse` renders them. */
  private failure(judged: Extract<Judged, { ok: false }>): Response {
    if (!(judged.error instanceof GatewayError)) throw judged.error;
    const response = errorResponse(judged.error, this.req.mediaType);
    const outcome: CacheOutcome = { kind: "miss", stored: false, fwdStatus: judged.fwdStatus };
    return this.finish(response, cacheHeaders(outcome), "no-store", judged.originMs);
  }

  /** An answer built from a cache entry (HIT, STALE, stored MISS): ETag and 304 on GET. */
  private fromEntry(entry: CacheEntry, outcome: CacheOutcome, age?: number, originMs?: number): Response {
    const isGet = this.req.request.method === "GET";
    const notModified = isGet && etagMatches(this.req.request.headers.get("if-none-match"), entry.etag);
    // Every header in one record passed to the constructor (cheaper than setting them one by one).
    const headers = this.withTier(cacheHeaders(outcome, age));
    if (!notModified) {
      headers["content-type"] = contentTypeHeader(this.req.mediaType);
      const language = entry.headers["content-language"];
      if (language) headers["content-language"] = language;
    }
    if (isGet) headers["etag"] = entry.etag;
    headers["cache-control"] = this.req.shared ? cacheControl("public", downstreamPolicy(this.req.settings)) : cacheControl("private");
    headers["vary"] = PUBLIC_VARY;
    headers["server-timing"] = this.timing(headers["x-cache"], originMs);
    return new Response(notModified ? null : bodyOf(entry), { status: notModified ? 304 : entry.status, headers });
  }

  private timing(xCache: string | undefined, originMs?: number): string {
    const gatewayMs = performance.now() - this.started;
    const cache = `cache;desc="${xCache}";dur=${round(gatewayMs)}`;
    return originMs === undefined ? cache : `${cache}, origin;dur=${round(originMs)}`;
  }

  private finish(response: Response, cache: Record<string, string>, control: string, originMs?: number): Response {
    const headers = response.headers;
    headers.set("content-type", contentTypeHeader(this.req.mediaType));
    for (const [name, value] of Object.entries(this.withTier(cache))) headers.set(name, value);
    headers.set("cache-control", control);
    headers.set("vary", PUBLIC_VARY);
    headers.set("server-timing", this.timing(cache["x-cache"], originMs));
    return response;
  }

  /** When the tier was asked: its `Cache-Status` member first (nearer the origin, RFC 9211 §2) and `x-cache-tier`. */
  private withTier(headers: Record<string, string>): Record<string, string> {
    if (this.tierVia === undefined) return headers;
    const { member, xCacheTier } = tierHeaders(this.tierVia);
    headers["cache-status"] = `${member}, ${headers["cache-status"]}`;
    headers["x-cache-tier"] = xCacheTier;
    return headers;
  }

  private record(stat: "originErrors"): void {
    this.runtime.stats.record(this.req.ref.projectId, this.req.ref.environment, stat, (p) => this.deps.waitUntil(p.catch(() => undefined)));
  }

  /** Counts the answer's outcome, the time the gateway took until now, and its operation (`StatsRecorder.answer`). */
  private answered(stat: AnswerStat): void {
    const { ref, operation } = this.req;
    const ms = performance.now() - this.started;
    this.runtime.stats.answer(ref.projectId, ref.environment, stat, ms, operation, (p) => this.deps.waitUntil(p.catch(() => undefined)));
  }

  /** Counts an origin fetch's own duration (what `Server-Timing: origin` says). */
  private timeOrigin(ms: number): void {
    this.runtime.stats.origin(this.req.ref.projectId, this.req.ref.environment, ms);
  }
}

function isOriginFailure(error: unknown): boolean {
  return error instanceof OriginError || error instanceof OriginTimeoutError;
}

/** The status an origin failure is reported with in `fwd-status`: 504 for a timeout, else 502. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof OriginTimeoutError) return 504;
  if (error instanceof OriginError) return (error.extensions.originStatus as number | undefined) ?? 502;
  return undefined;
}

/** An entry's bytes as the Response constructor takes them fastest: the whole ArrayBuffer when the view spans it. */
export function bodyOf(entry: CacheEntry): ArrayBuffer | Uint8Array {
  const { body } = entry;
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer ? body.buffer : body;
}

function round(ms: number): string {
  return (Math.round(ms * 10) / 10).toFixed(1);
}
