import { env } from "cloudflare:workers";
import type { Change } from "../../src/authority/changes";
import type { AuthorityRpc } from "../../src/authority/rpc";
import { AuthorityState } from "../../src/authority/state";
import { emptyView, mergeSync } from "../../src/authority/view";
import { OriginError, OriginTimeoutError } from "../../src/errors";
import { createContentCacheRuntime, type ContentCacheRuntime, type ContentCacheRuntimeOptions } from "../../src/pipeline/cache-runtime";
import { serveContent, type ContentCacheRequest, type LearnedOriginAnswer } from "../../src/pipeline/content-cache";

export const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;

/** A frozen clock that only moves when told to. */
export function frozenClock(start = Date.now()) {
  let t = start;
  return {
    now: () => t,
    advance(seconds: number) {
      t += seconds * 1000;
    },
  };
}

/** Canned origin behaviours. */
export type OriginStep =
  | { body: unknown; status?: number; headers?: Record<string, string>; delayMs?: number; gate?: Promise<void>; dependencies?: string[] }
  | { throw: "error" | "timeout"; delayMs?: number };

/**
 * A counting origin: each call takes the next step (the last one repeats). `calls` counts every
 * call; `gate` and `delayMs` make it slow.
 */
export function countingOrigin(...steps: OriginStep[]) {
  const origin = {
    calls: 0,
    steps,
    fetch: async (): Promise<LearnedOriginAnswer> => {
      const step = origin.steps[Math.min(origin.calls, origin.steps.length - 1)]!;
      origin.calls++;
      if ("gate" in step && step.gate) await step.gate;
      if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
      if ("throw" in step) {
        throw step.throw === "timeout" ? new OriginTimeoutError("timed out", { timeoutMs: 1 }) : new OriginError("unreachable");
      }
      return {
        status: step.status ?? 200,
        headers: new Headers({ "content-type": "application/json", ...step.headers }),
        body: typeof step.body === "string" ? step.body : JSON.stringify(step.body),
        elapsedMs: 7,
        ...(step.dependencies ? { dependencies: step.dependencies } : {}),
      };
    },
  };
  return origin;
}

/** A `waitUntil` that collects the promises so a test can await the background work. */
export function backgroundWork() {
  const promises: Promise<unknown>[] = [];
  return {
    promises,
    waitUntil: (p: Promise<unknown>) => void promises.push(p),
    async settle() {
      while (promises.length) await Promise.allSettled(promises.splice(0));
    },
  };
}

export const SETTINGS = { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 3600 };

/** A `/content` cache request for a unique project (override anything). */
export function contentRequest(
  overrides: Partial<ContentCacheRequest> & { method?: string; headers?: Record<string, string> } = {},
): ContentCacheRequest {
  const { method = "POST", headers = {}, ...rest } = overrides;
  return {
    ref: { projectId: `cc-${crypto.randomUUID().slice(0, 8)}`, environment: "master" },
    settings: SETTINGS,
    request: new Request("https://gateway.test/content/p/master", { method, headers }),
    mediaType: "application/json",
    stage: "PUBLISHED",
    locales: ["en"],
    query: "{ posts { id title } }",
    operationName: null,
    variables: null,
    fingerprint: "public:aaaa",
    shared: true,
    dependencies: ["L|PUBLISHED|Post"],
    ...rest,
  };
}

/**
 * One test's cache harness: a frozen clock, its own memory layer and counters, the real KV and
 * Cache API, and an authority of its own (the real state machine, merged into the view the cache
 * step reads, as a location would after a sync).
 */
export function cacheHarness(options: ContentCacheRuntimeOptions = {}) {
  const clock = frozenClock();
  const work = backgroundWork();
  const runtime: ContentCacheRuntime = createContentCacheRuntime(kv, { now: clock.now, ...options });
  const authority = new AuthorityState(clock.now);
  const view = emptyView();
  return {
    clock,
    work,
    runtime,
    view,
    /** Invalidates as the authority would, and lets this location's view learn it at once. */
    invalidate(...changes: Change[]) {
      authority.apply(changes);
      mergeSync(view, authority.sync(view.seq));
    },
    /** Lets this location's view learn what a real project authority holds (as a sync would). */
    async syncWith(projectId: string, environment = "master") {
      mergeSync(view, await authorityOf(projectId, environment).sync(view.seq || null));
    },
    /** serveContent with this harness's deps; awaits nothing in the background. */
    serve(req: ContentCacheRequest, origin: { fetch: () => Promise<LearnedOriginAnswer> }) {
      return serveContent(req, origin.fetch, { kv, waitUntil: work.waitUntil, now: clock.now, runtime, view });
    },
    /** serveContent, then settles the background work (stores, refreshes, stat flushes). */
    async serveSettled(req: ContentCacheRequest, origin: { fetch: () => Promise<LearnedOriginAnswer> }) {
      const response = await this.serve(req, origin);
      await work.settle();
      return response;
    },
  };
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** The project's authority (its Durable Object), as a location calls it. */
function authorityOf(projectId: string, environment = "master"): AuthorityRpc {
  const namespace = env.AUTHORITY;
  return namespace.get(
    namespace.idFromName(`${encodeURIComponent(projectId)}/${encodeURIComponent(environment)}`),
  ) as unknown as AuthorityRpc;
}

/** The members the project's authority holds now, with their numbers. */
async function authorityMembers(projectId: string, environment = "master"): Promise<Map<string, number>> {
  return new Map((await authorityOf(projectId, environment).sync(null)).members);
}

/**
 * Tracks which authority members move from now on (creating a project already bumps `A|*|*`).
 *
 * @example const members = await trackMembers(projectId); …; expect(await members.bumped()).toEqual(["A|*|Post"]);
 */
export async function trackMembers(projectId: string, environment = "master") {
  const before = await authorityMembers(projectId, environment);
  return {
    async bumped(): Promise<string[]> {
      const after = await authorityMembers(projectId, environment);
      return [...after]
        .filter(([m, seq]) => before.get(m) !== seq)
        .map(([m]) => m)
        .sort();
    },
  };
}

/** The `extensions` of a GraphQL error response's first error. */
export async function errorExtensions(response: Response): Promise<Record<string, unknown> | undefined> {
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return body.errors?.[0]?.extensions;
}
