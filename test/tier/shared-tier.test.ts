/**
 * The shared tier (SPEC §3c, docs/shared-tier.md) between simulated locations in one isolate: each
 * location is its own cache runtime (memory layer) over its own Cache API (`caches.open`), with its
 * own view of one authority, and all share the real `AnswerTier` Durable Objects (binding TIER).
 * The multi-location harness (test/locations/shared-tier.test.ts) repeats the cross-location cases
 * with separate isolates.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { documentDependency, type Change } from "../../src/authority/changes";
import { AuthorityState } from "../../src/authority/state";
import { emptyView, mergeSync, type AuthorityView } from "../../src/authority/view";
import { WorkersEdgeCache } from "../../src/cache/edge-cache";
import { createContentCacheRuntime } from "../../src/pipeline/cache-runtime";
import { serveContent, type ContentCacheRequest, type LearnedOriginAnswer } from "../../src/pipeline/content-cache";
import { durableTier, type SharedTier } from "../../src/tier/client";
import { demoProject, postQuery } from "../support/gateway";
import { backgroundWork, contentRequest, countingOrigin, deferred, frozenClock, kv } from "../support/cache";

const POSTS = { data: { posts: [{ id: "p1", title: "Hello" }] } };
const POSTS_V2 = { data: { posts: [{ id: "p1", title: "Hello again" }] } };
// A generous bound: a Durable Object's first call in the test runtime can take longer than the default 250 ms.
const TIER = durableTier(env.TIER!, { leaseMs: 5_000, timeoutMs: 5_000 });

/** The tier, noting what every lookup answered (so a test can wait for a location to be told to wait). */
function observed(tier: SharedTier) {
  const answers: string[] = [];
  const wrapped: SharedTier = {
    ...tier,
    lookup: async (...args) => {
      const answer = await tier.lookup(...args);
      answers.push(answer.kind);
      return answer;
    },
  };
  return { answers, tier: wrapped };
}

/** Locations sharing one authority (changes reach every view at once unless told otherwise) and one tier. */
function world(tier: SharedTier = TIER) {
  const clock = frozenClock();
  const authority = new AuthorityState(clock.now);
  const work = backgroundWork();
  const views: AuthorityView[] = [];
  async function location(name: string) {
    const edge = new WorkersEdgeCache(await caches.open(`tier-test-${name}-${crypto.randomUUID()}`));
    const runtime = createContentCacheRuntime(kv, { now: clock.now, edge });
    const view = emptyView();
    views.push(view);
    const deps = { kv, waitUntil: work.waitUntil, now: clock.now, runtime, view, tier, tierWaitMs: 5_000 };
    return {
      view,
      deps,
      serve: (req: ContentCacheRequest, origin: { fetch: () => Promise<LearnedOriginAnswer> }) => serveContent(req, origin.fetch, deps),
    };
  }
  return {
    clock,
    work,
    location,
    /** A publish: the authority moves, and every location's view learns it (as a sync would). */
    publish(...changes: Change[]) {
      authority.apply(changes);
      for (const view of views) mergeSync(view, authority.sync(view.seq));
    },
  };
}

describe("shared tier between locations", () => {
  it("a miss at one location fills the tier; another location's miss is answered from it, not the origin", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();

    const miss = await a.serve(req, origin);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("x-cache-tier")).toBe("MISS");
    expect(miss.headers.get("cache-status")).toBe("content-edge-tier; fwd=miss, content-edge; fwd=miss; stored");
    await w.work.settle();

    w.clock.advance(10);
    const hit = await b.serve(req, origin);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("x-cache-tier")).toBe("HIT");
    expect(hit.headers.get("cache-status")).toBe("content-edge-tier; hit, content-edge; hit; ttl=50");
    expect(hit.headers.get("age")).toBe("10");
    expect(await hit.json()).toEqual(POSTS);
    expect(origin.calls).toBe(1);
    await w.work.settle();

    // Location b stored it: its repeat is a local hit that never asks the tier.
    const local = await b.serve(req, origin);
    expect(local.headers.get("x-cache")).toBe("HIT");
    expect(local.headers.get("x-cache-tier")).toBeNull();
  });

  it("a tier answer is served only to requests with the same permissions: another fingerprint or stage misses it", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const drafts = countingOrigin({ body: { data: { posts: [{ id: "p1", title: "Unpublished draft" }] } } });
    const ref = { projectId: `cc-${crypto.randomUUID().slice(0, 8)}`, environment: "master" };
    // An editor's token, allowed DRAFT: its answer goes to the tier under its own permissions' key.
    const editor = contentRequest({ ref, fingerprint: "editor-draft-rules", shared: false, stage: "DRAFT" });
    expect((await a.serve(editor, drafts)).headers.get("x-cache-tier")).toBe("MISS");
    await w.work.settle();
    // The same document from the public, and from another token with other rules: never the editor's answer.
    const published = countingOrigin({ body: POSTS });
    for (const other of [
      contentRequest({ ref, fingerprint: "public-rules", shared: true, stage: "PUBLISHED" }),
      contentRequest({ ref, fingerprint: "reviewer-rules", shared: false, stage: "DRAFT" }),
    ]) {
      const answer = await b.serve(other, published);
      expect(answer.headers.get("x-cache-tier")).toBe("MISS");
      expect(JSON.stringify(await answer.json())).not.toContain("Unpublished draft");
      await w.work.settle();
    }
    expect([drafts.calls, published.calls]).toEqual([1, 2]);
  });

  it("after a publish elsewhere, the tier's older answer is not served: the location refetches, and the tier learns it", async () => {
    const w = world();
    const [a, b, c] = [await w.location("a"), await w.location("b"), await w.location("c")];
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest({ dependencies: ["L|PUBLISHED|Post"] });
    await a.serve(req, origin);
    await w.work.settle();

    w.publish({ kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: false });
    const after = await b.serve(req, origin);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.headers.get("x-cache-tier")).toBe("MISS");
    expect(await after.json()).toEqual(POSTS_V2);
    expect(origin.calls).toBe(2);
    await w.work.settle();

    // The newer answer replaced the old one at the tier: a third location gets it without the origin.
    const third = await c.serve(req, origin);
    expect(third.headers.get("x-cache-tier")).toBe("HIT");
    expect(await third.json()).toEqual(POSTS_V2);
    expect(origin.calls).toBe(2);
  });

  it("a document purge reaches the tier's answers too: another location refetches that document, and takes the other document's from the tier", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: POSTS });
    const ref = { projectId: `cc-${crypto.randomUUID().slice(0, 8)}`, environment: "master" };
    const doc = (hash: string, query: string) => contentRequest({ ref, query, documentDependency: documentDependency("PUBLISHED", hash) });
    const purged = doc("a".repeat(64), "{ posts { id title } }");
    const kept = doc("b".repeat(64), "{ posts { id } }");
    for (const req of [purged, kept]) expect((await a.serve(req, origin)).headers.get("x-cache-tier")).toBe("MISS");
    await w.work.settle();
    expect(origin.calls).toBe(2);

    w.publish({ kind: "documents", stages: "*", hashes: ["a".repeat(64)] });
    w.clock.advance(10);
    expect((await b.serve(kept, origin)).headers.get("x-cache-tier")).toBe("HIT");
    const refetched = await b.serve(purged, origin);
    expect(refetched.headers.get("x-cache")).toBe("MISS");
    expect(origin.calls).toBe(3);
  });

  it("a tier answer past the client's freshness is not served", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest({ settings: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 3600 } });
    await a.serve(req, origin);
    await w.work.settle();
    w.clock.advance(61);
    const later = await b.serve(req, origin);
    expect(later.headers.get("x-cache")).toBe("MISS");
    expect(await later.json()).toEqual(POSTS_V2);
  });

  it("a location whose own entry expired takes a fresher one from the tier instead of the origin", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest({ settings: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 3600 } });
    await b.serve(req, origin);
    await w.work.settle();
    w.clock.advance(61);
    // a has nothing; the tier's copy is past its freshness: a refetches, and the tier learns it.
    expect(await (await a.serve(req, origin)).json()).toEqual(POSTS_V2);
    await w.work.settle();
    // b's own copy is past its freshness too: the tier's newer one answers, not the origin.
    const fromTier = await b.serve(req, origin);
    expect([fromTier.headers.get("x-cache"), fromTier.headers.get("x-cache-tier")]).toEqual(["HIT", "HIT"]);
    expect(await fromTier.json()).toEqual(POSTS_V2);
    expect(origin.calls).toBe(2);
  });

  it("concurrent misses at two locations cost the origin one request (the second waits on the first's lease)", async () => {
    const watch = observed(TIER);
    const w = world(watch.tier);
    const [a, b] = [await w.location("a"), await w.location("b")];
    const gate = deferred();
    const origin = countingOrigin({ body: POSTS, gate: gate.promise });
    const req = contentRequest();

    const first = a.serve(req, origin);
    // Let a reach the origin (holding the lease) before b asks.
    while (origin.calls === 0) await new Promise((r) => setTimeout(r, 5));
    const second = b.serve(req, origin);
    while (!watch.answers.includes("pending")) await new Promise((r) => setTimeout(r, 5));
    gate.resolve();
    const [ra, rb] = await Promise.all([first, second]);
    expect(ra.headers.get("x-cache")).toBe("MISS");
    expect(rb.headers.get("x-cache")).toBe("HIT");
    expect(rb.headers.get("cache-status")).toMatch(/^content-edge-tier; hit; collapsed, content-edge; hit; ttl=\d+$/);
    expect(await rb.json()).toEqual(POSTS);
    expect(origin.calls).toBe(1);
    await w.work.settle();
  });

  it.each([
    {
      name: "every call throws",
      namespace: { idFromName: (n: string) => n, get: () => ({ lookup: () => Promise.reject(new Error("down")) }) },
    },
    {
      name: "the object cannot be reached",
      namespace: {
        idFromName: () => {
          throw new Error("no such namespace");
        },
      },
    },
    {
      name: "a call never answers",
      namespace: { idFromName: (n: string) => n, get: () => ({ lookup: () => new Promise(() => undefined) }) },
    },
  ])("tier unreachable ($name): the origin's answer, correct and stored locally", async ({ namespace }) => {
    const tier = durableTier(namespace as unknown as DurableObjectNamespace, { leaseMs: 1_000, timeoutMs: 20 });
    const w = world(tier);
    const a = await w.location("a");
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();
    const miss = await a.serve(req, origin);
    expect(miss.status).toBe(200);
    expect(await miss.json()).toEqual(POSTS);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("x-cache-tier")).toBe("UNAVAILABLE");
    expect(miss.headers.get("cache-status")).toBe("content-edge-tier; fwd=bypass; detail=unavailable, content-edge; fwd=miss; stored");
    await w.work.settle();
    expect((await a.serve(req, origin)).headers.get("x-cache")).toBe("HIT");
    expect(origin.calls).toBe(1);
  });

  it("an answer that may not be stored never reaches the tier (the lease is given back)", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: { data: null, errors: [{ message: "boom" }] } }, { body: POSTS });
    const req = contentRequest();
    const bypass = await a.serve(req, origin);
    expect(bypass.headers.get("x-cache")).toBe("BYPASS");
    await w.work.settle();
    const next = await b.serve(req, origin);
    expect(next.headers.get("x-cache")).toBe("MISS");
    expect(next.headers.get("x-cache-tier")).toBe("MISS");
    expect(origin.calls).toBe(2);
  });
});

describe("shared tier through the gateway", () => {
  it("a /content miss asks the tier (its Cache-Status member first), a repeat is a local hit", async () => {
    const { content } = await demoProject();
    const query = { query: "{ posts(first: 1) { id title } }" };
    const miss = await postQuery(content, query);
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("x-cache-tier")).toBe("MISS");
    expect(miss.headers.get("cache-status")).toBe("content-edge-tier; fwd=miss, content-edge; fwd=miss; stored");
    const hit = await postQuery(content, query);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("x-cache-tier")).toBeNull();
  });

  it("a tier hit does not prime the fast path: its repeats are local hits that do not name the tier", async () => {
    const w = world();
    const [a, b] = [await w.location("a"), await w.location("b")];
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();
    await a.serve(req, origin);
    await w.work.settle();
    const primed: unknown[] = [];
    const hit = await serveContent(req, origin.fetch, { ...b.deps, onHit: (h) => primed.push(h) });
    expect(hit.headers.get("x-cache-tier")).toBe("HIT");
    expect(primed).toEqual([]);
    const repeat = await serveContent(req, origin.fetch, { ...b.deps, onHit: (h) => primed.push(h) });
    expect([repeat.headers.get("x-cache"), repeat.headers.get("x-cache-tier")]).toEqual(["HIT", null]);
    expect(primed).toHaveLength(1);
  });
});
