import { env } from "cloudflare:workers";
import { KvVersionStore } from "../../src/cache/versions";
import { OriginError, OriginTimeoutError } from "../../src/errors";
import type { OriginAnswer } from "../../src/origin/client";
import {
  createContentCacheRuntime,
  serveContent,
  type ContentCacheRequest,
  type ContentCacheRuntime,
  type ContentCacheRuntimeOptions,
} from "../../src/pipeline/content-cache";

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
  | { body: unknown; status?: number; headers?: Record<string, string>; delayMs?: number; gate?: Promise<void> }
  | { throw: "error" | "timeout"; delayMs?: number };

/**
 * A counting origin: each call takes the next step (the last one repeats). `calls` counts every
 * call; `gate` and `delayMs` make it slow.
 */
export function countingOrigin(...steps: OriginStep[]) {
  const origin = {
    calls: 0,
    steps,
    fetch: async (): Promise<OriginAnswer> => {
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
export function contentRequest(overrides: Partial<ContentCacheRequest> & { method?: string; headers?: Record<string, string> } = {}): ContentCacheRequest {
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
    models: ["Post"],
    stages: ["PUBLISHED"],
    ...rest,
  };
}

/** One test's cache harness: a frozen clock, its own memory layer and counters, the real KV and Cache API. */
export function cacheHarness(options: ContentCacheRuntimeOptions = {}) {
  const clock = frozenClock();
  const work = backgroundWork();
  const runtime: ContentCacheRuntime = createContentCacheRuntime(kv, { now: clock.now, ...options });
  return {
    clock,
    work,
    runtime,
    /** serveContent with this harness's deps; awaits nothing in the background. */
    serve(req: ContentCacheRequest, origin: { fetch: () => Promise<OriginAnswer> }) {
      return serveContent(req, origin.fetch, { kv, waitUntil: work.waitUntil, now: clock.now, runtime });
    },
    /** serveContent, then settles the background work (stores, refreshes, stat flushes). */
    async serveSettled(req: ContentCacheRequest, origin: { fetch: () => Promise<OriginAnswer> }) {
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

/** A project's version counters as KV holds them now (a fresh store: no isolate copy). */
export async function versionSnapshot(projectId: string, environment = "master", stages = ["DRAFT", "PUBLISHED"], models = ["Post", "Author"]): Promise<Record<string, number>> {
  return new KvVersionStore(kv, { localTtlMs: 0 }).get(projectId, environment, stages, models);
}

/**
 * Tracks which counters move from now on (creating a project already bumps `*\/*`).
 *
 * @example const versions = await trackVersions(projectId); …; expect(await versions.bumped()).toEqual(["DRAFT/Post"]);
 */
export async function trackVersions(projectId: string, environment = "master") {
  const before = await versionSnapshot(projectId, environment);
  return {
    async bumped(): Promise<string[]> {
      const after = await versionSnapshot(projectId, environment);
      return Object.keys(after).filter((m) => after[m]! !== before[m]).sort();
    },
  };
}

/** The `extensions` of a GraphQL error response's first error. */
export async function errorExtensions(response: Response): Promise<Record<string, unknown> | undefined> {
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return body.errors?.[0]?.extensions;
}
