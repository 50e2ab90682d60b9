/**
 * The fast path of a cache hit (issue 13): an exact repeat of a `/content` request that the full
 * pipeline answered with a fresh HIT is answered again before routing, parsing, authentication or
 * authorisation, after O(1) checks that keep every guarantee of the full path:
 *
 * | guarantee | how the fast path keeps it |
 * |---|---|
 * | same request | the key is the method, the URL, the body's bytes and every header that can change the answer (`authorization`, `gcms-*`, `hyg-*`, `accept`, `content-type`, `origin`, `if-none-match`) |
 * | nothing changed since (purges, webhooks, `/v2` writes, configuration, rules, token issue or revocation) | the project authority's view has the same `seq` as when the full path judged the entry current (every event takes a new number), and the view is confirmed within `MEMORY_FRESH_MS`: otherwise the full path runs, refreshing it |
 * | the entry is fresh | its age under the request's own freshness windows (`hyg-*` included) is below `maxAge`, as `classify` computes it |
 * | the credential is valid | public, or a PAT within its `expiresAt` (revocations move the view's `seq`); JWTs always take the full path |
 * | the schema the decision was made with | the isolate's schema copy has the same hash and is still fresh |
 * | IP firewall | a project with `ipRules` checks the address of every request |
 * | the same answer, headers included | the full path's own HIT answer is the template; only `age`, `x-cache`, `Cache-Status` and `Server-Timing` are recomputed |
 *
 * Anything else — a miss, a stale entry, a batch, another endpoint — is not in the map and goes
 * through the full pipeline, which primes the map on its next fresh hit. The map is a bounded LRU.
 */
import type { Principal } from "../auth/principal";
import type { Authority } from "../authority/client";
import { cacheHeaders } from "../cache/cache-status";
import type { CacheEntry } from "../cache/entry";
import { freshAge, type FreshnessPolicy } from "../cache/freshness";
import { FAST_PATH_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";
import type { IpFirewall } from "../policies/ip-rules";
import type { ProjectRef } from "../projects/types";
import { currentSchemaHash } from "../schema/store";
import type { StatsRecorder } from "../stats/recorder";
import { bodyOf, type CacheHit } from "./content-cache";

/** Request headers that can change an answer: every one is part of the fast path's key. */
const KEYED_HEADERS = [
  "authorization",
  "gcms-stage",
  "gcms-locales",
  "hyg-stale-while-revalidate",
  "hyg-stale-if-error",
  "accept",
  "content-type",
  "origin",
  "if-none-match",
] as const;

/** Server-Timing of a fast answer that took no measurable time. */
const ZERO_TIMING = 'cache;desc="HIT";dur=0.0';

/** Headers of a HIT that change from one answer to the next; everything else is the template's. */
const DYNAMIC_HEADERS = new Set(["age", "x-cache", "cache-status", "server-timing"]);

/** One request shape the full path answered with a fresh hit. */
interface FastEntry {
  ref: ProjectRef;
  origin: string;
  entry: CacheEntry;
  /** The entry's bytes as the Response constructor takes them fastest. */
  body: ArrayBuffer | Uint8Array;
  policy: FreshnessPolicy;
  seq: number;
  schemaHash: string;
  expiresAt: number | undefined;
  firewall: IpFirewall | undefined;
  status: number;
  /** The full path's answer headers, without the dynamic ones. */
  headers: Record<string, string>;
  /** The last answer's headers, reused while its dynamic values are the same (they change by the second). */
  last: { age: number; timing: string; headers: Headers } | undefined;
  /** Counts a hit, its time and its operation for the entry's project (slot and operation looked up once). */
  count: ReturnType<StatsRecorder["hitCounter"]>;
}

/** What the full path tells the fast path about a fresh hit it answered (see `graphql-endpoint.ts`). */
export interface HitPriming {
  hit: CacheHit;
  ref: ProjectRef;
  /** The project's origin URL (the schema copy is per origin). */
  origin: string;
  principal: Principal;
  schemaHash: string;
  firewall: IpFirewall | undefined;
  /** The operation's label in the top operations (`stats/operations.ts`): its document hash is never computed here. */
  operation?: string;
}

const primings = new WeakMap<Request, HitPriming>();

/**
 * Records, for the request the full path is answering, what the fast path needs to answer its
 * repeats. Only public and PAT principals are remembered.
 */
export function notePriming(request: Request, priming: HitPriming): void {
  if (priming.principal.kind === "jwt") return;
  primings.set(request, priming);
}

export interface FastPathDeps {
  authority: Authority;
  stats: StatsRecorder;
  now?: () => number;
  /** The hash of the schema the isolate decides with now; default the schema store's copy. */
  schemaHash?: (ref: ProjectRef, origin: string, now: number) => string | undefined;
}

/**
 * A fast path over one isolate's authority and stats (the entry point keeps one per configuration).
 *
 * @example
 * const answer = fastPath.answer(fastKey(request, body), request, ctx);
 */
export class FastPath {
  private readonly entries = new Lru<FastEntry>({
    ...FAST_PATH_BOUNDS,
    sizeOf: (entry, key) => key.length * 2 + entry.entry.body.byteLength + 512,
  });
  private readonly now: () => number;
  private readonly schemaHash: (ref: ProjectRef, origin: string, now: number) => string | undefined;

  constructor(private readonly deps: FastPathDeps) {
    this.now = deps.now ?? Date.now;
    this.schemaHash = deps.schemaHash ?? currentSchemaHash;
  }

  /** The answer to a repeat of a primed request, or `undefined` when the full path must run. */
  answer(key: string, request: Request, ctx: { waitUntil(promise: Promise<unknown>): void }): Response | undefined {
    const started = performance.now();
    // No recency bookkeeping on the hot path: a hot entry evicted first is primed again by its next full-path hit.
    const fast = this.entries.peek(key);
    if (!fast) return undefined;
    const now = this.now();
    const view = this.deps.authority.current(fast.ref);
    const fresh =
      view !== undefined &&
      view.seq === fast.seq &&
      (fast.expiresAt === undefined || now < fast.expiresAt) &&
      this.schemaHash(fast.ref, fast.origin, now) === fast.schemaHash &&
      (fast.firewall === undefined || fast.firewall.check(request.headers.get("cf-connecting-ip") ?? undefined).allowed)
        ? freshAge(fast.entry.storedAt, fast.policy, now)
        : null;
    if (!fresh) {
      this.entries.delete(key);
      return undefined;
    }
    const elapsed = performance.now() - started;
    // The hit's time: the same clock reads the Server-Timing takes, nothing more on this path.
    fast.count(elapsed, (p) => ctx.waitUntil(p.catch(() => undefined)));
    // workerd's clocks do not move without I/O, so this is almost always the constant.
    const timing = elapsed < 0.05 ? ZERO_TIMING : `cache;desc="HIT";dur=${(Math.round(elapsed * 10) / 10).toFixed(1)}`;
    let last = fast.last;
    if (!last || last.age !== fresh.age || last.timing !== timing) {
      // A Headers object the Response constructor copies: cheaper than a record each time.
      const headers = new Headers(fast.headers);
      for (const [name, value] of Object.entries(cacheHeaders({ kind: "hit", ttl: fresh.ttl }, fresh.age))) headers.set(name, value);
      headers.set("server-timing", timing);
      last = fast.last = { age: fresh.age, timing, headers };
    }
    return new Response(fast.status === 304 ? null : fast.body, { status: fast.status, headers: last.headers });
  }

  /** Remembers the answer the full path gave to `request` when it was a fresh hit it may repeat. */
  prime(key: string, request: Request, response: Response): void {
    const priming = primings.get(request);
    if (!priming || response.headers.get("x-cache") !== "HIT" || (response.status !== 200 && response.status !== 304)) return;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!DYNAMIC_HEADERS.has(name)) headers[name] = value;
    });
    const { entry } = priming.hit;
    this.entries.set(key, {
      ref: priming.ref,
      origin: priming.origin,
      entry,
      body: bodyOf(entry),
      policy: priming.hit.policy,
      seq: priming.hit.seq,
      schemaHash: priming.schemaHash,
      expiresAt: priming.principal.expiresAt,
      firewall: priming.firewall,
      status: response.status,
      headers,
      last: undefined,
      count: this.deps.stats.hitCounter(priming.ref.projectId, priming.ref.environment, priming.operation),
    });
  }
}

/**
 * The fast path's key of a request: method, URL, every header that can change the answer (an
 * absent header and an empty one differ) and the body, last (header values hold no line feed).
 * Nine `get`s cost less than one pass over the headers in workerd (measured: 1.6 µs against 2.5).
 */
export function fastKey(method: string, url: string, headers: Headers, body: string): string {
  let key = `${method}\n${url}`;
  for (const name of KEYED_HEADERS) {
    const value = headers.get(name);
    key += value === null ? "\n-" : `\n=${value}`;
  }
  return `${key}\n${body}`;
}
