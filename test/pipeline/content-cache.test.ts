import { describe, expect, it } from "vitest";
import type { EdgeCache } from "../../src/cache/edge-cache";
import type { ContentCacheRequest } from "../../src/pipeline/content-cache";
import { addHistogram, histogramCount, type Histogram } from "../../src/stats/latency";
import { cacheHarness, contentRequest, countingOrigin, deferred, SETTINGS } from "../support/cache";

const POSTS = { data: { posts: [{ id: "p1", title: "Hello" }] } };
const POSTS_V2 = { data: { posts: [{ id: "p1", title: "Hello again" }] } };
const OPERATION = `${"d".repeat(64)} Posts`;

/** What a project's traffic holds of durations (hits and misses counted, origin by bucket) and of the operation. */
async function timed(h: ReturnType<typeof cacheHarness>, req: ContentCacheRequest) {
  const buckets = await h.runtime.stats.buckets(req.ref.projectId, req.ref.environment);
  const [hits, misses, origin]: Histogram[] = [{}, {}, {}];
  const operation = [0, 0];
  for (const bucket of buckets) {
    for (const [h0, h1, h2] of Object.values(bucket.latency)) {
      addHistogram(hits!, h0 ?? {});
      addHistogram(misses!, h1 ?? {});
      addHistogram(origin!, h2 ?? {});
    }
    const [requests = 0, missed = 0] = bucket.operations[OPERATION] ?? [];
    operation[0]! += requests;
    operation[1]! += missed;
  }
  return { hits: histogramCount(hits!), misses: histogramCount(misses!), origin, operation };
}

describe("serveContent: hit and miss", () => {
  it("answers a first request from the origin (MISS, stored) and the repeat from memory (HIT)", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();

    const miss = await h.serveSettled(req, origin);
    expect(miss.status).toBe(200);
    expect(await miss.json()).toEqual(POSTS);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("cache-status")).toBe("content-edge; fwd=miss; stored");
    expect(miss.headers.get("age")).toBeNull();
    expect(miss.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(miss.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=0");
    expect(miss.headers.get("vary")).toBe("authorization, gcms-stage, gcms-locales, accept");
    expect(miss.headers.get("server-timing")).toMatch(/^cache;desc="MISS";dur=\d+\.\d, origin;dur=7\.0$/);

    h.clock.advance(12);
    const hit = await h.serveSettled(req, origin);
    expect(await hit.json()).toEqual(POSTS);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("cache-status")).toBe("content-edge; hit; ttl=48");
    expect(hit.headers.get("age")).toBe("12");
    expect(hit.headers.get("server-timing")).toMatch(/^cache;desc="HIT";dur=\d+\.\d$/);
    expect(origin.calls).toBe(1);
  });

  it("serves the same bytes to many hits (entries are shared, never consumed)", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();
    await h.serveSettled(req, origin);
    const bodies = await Promise.all(Array.from({ length: 5 }, async () => (await h.serve(req, origin)).text()));
    expect(new Set(bodies)).toEqual(new Set([JSON.stringify(POSTS)]));
    expect(origin.calls).toBe(1);
  });

  it("a new isolate's empty memory is filled from the Cache API (caches.default), not the origin", async () => {
    const first = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest();
    await first.serveSettled(req, origin); // stores in memory and, via waitUntil, in caches.default

    const second = cacheHarness(); // another isolate: its own memory layer
    const hit = await second.serveSettled(req, origin);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(await hit.json()).toEqual(POSTS);
    expect(origin.calls).toBe(1);
  });

  it("a token's answer is private, no-store; the public principal's is public", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const base = contentRequest();
    const token = await h.serveSettled({ ...base, fingerprint: "rules:draft-editor", shared: false }, origin);
    expect(token.headers.get("cache-control")).toBe("private, no-store");
    const tokenHit = await h.serveSettled({ ...base, fingerprint: "rules:draft-editor", shared: false }, origin);
    expect(tokenHit.headers.get("x-cache")).toBe("HIT");
    expect(tokenHit.headers.get("cache-control")).toBe("private, no-store");
    expect(origin.calls).toBe(1);
  });

  it("a private (token) answer is never served to a public request with another fingerprint", async () => {
    const h = cacheHarness();
    const DRAFT = { data: { posts: [{ id: "d1", title: "Unpublished draft" }] } };
    const origin = countingOrigin({ body: DRAFT }, { body: POSTS });
    const base = contentRequest();
    await h.serveSettled({ ...base, fingerprint: "rules:draft-editor", shared: false }, origin);
    const anonymous = await h.serveSettled(base, origin);
    expect(anonymous.headers.get("x-cache")).toBe("MISS");
    expect(await anonymous.json()).toEqual(POSTS);
    expect(origin.calls).toBe(2);
  });

  it("caching off for the project (all windows 0): BYPASS, no-store, every request reaches the origin", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest({ settings: { maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0 } });
    for (let i = 0; i < 2; i++) {
      const response = await h.serveSettled(req, origin);
      expect(response.headers.get("x-cache")).toBe("BYPASS");
      expect(response.headers.get("cache-status")).toBe("content-edge; fwd=bypass; detail=disabled");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual(POSTS);
    }
    expect(origin.calls).toBe(2);
  });

  it("rethrows what fetchOrigin throws when it is not a gateway error (the pipeline's onError handles it)", async () => {
    const h = cacheHarness();
    await expect(h.serve(contentRequest(), { fetch: () => Promise.reject(new TypeError("bug")) })).rejects.toThrow(TypeError);
  });
});

describe("serveContent: key equivalences and separations", () => {
  type Change = (r: ContentCacheRequest) => ContentCacheRequest;
  const Q = "query Q($first: Int, $skip: Int = 0) { posts(first: $first, skip: $skip) { id title } }";
  const base = (): ContentCacheRequest => contentRequest({ query: Q, operationName: "Q", variables: { first: 2 } });

  it.each<[string, Change]>([
    [
      "whitespace",
      (r) => ({ ...r, query: `\n  query Q( $first : Int , $skip : Int = 0 )\n{ posts( first: $first, skip: $skip ) { id   title } }  ` }),
    ],
    [
      "comments",
      (r) => ({ ...r, query: `# list\nquery Q($first: Int, $skip: Int = 0) { posts(first: $first, skip: $skip) { id title } } # end` }),
    ],
    [
      "variable definition and argument order",
      (r) => ({ ...r, query: "query Q($skip: Int = 0, $first: Int) { posts(skip: $skip, first: $first) { id title } }" }),
    ],
    ["variable order in the JSON", (r) => ({ ...r, variables: { skip: 0, first: 2 } })],
    ["a variable equal to its default", (r) => ({ ...r, variables: { first: 2, skip: 0 } })],
    ["undeclared variables", (r) => ({ ...r, variables: { first: 2, utm_source: "newsletter" } })],
    ["the only operation's name omitted", (r) => ({ ...r, operationName: null })],
    [
      "the client's unrelated headers",
      (r) => ({
        ...r,
        request: new Request(r.request.url, {
          method: "POST",
          headers: { "x-forwarded-host": "evil.test", "x-http-method-override": "GET" },
        }),
      }),
    ],
  ])("shares an entry across %s", async (_label, change) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const first = base();
    await h.serveSettled(first, origin);
    const second = await h.serveSettled(change(first), origin);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(origin.calls).toBe(1);
  });

  it.each<[string, Change]>([
    ["stage", (r) => ({ ...r, stage: "DRAFT", dependencies: ["L|DRAFT|Post"] })],
    ["locales", (r) => ({ ...r, locales: ["de"] })],
    ["locale order (fallback order)", (r) => ({ ...r, locales: ["en", "de"] })],
    ["variables", (r) => ({ ...r, variables: { first: 3 } })],
    ["an explicit null variable", (r) => ({ ...r, variables: { first: 2, skip: null } })],
    ["operation name", (r) => ({ ...r, query: `${Q} query R { posts { id } }`, operationName: "R" })],
    ["selection", (r) => ({ ...r, query: Q.replace("id title", "title id") })],
    ["permission fingerprint", (r) => ({ ...r, fingerprint: "rules:other" })],
    ["project", (r) => ({ ...r, ref: { ...r.ref, projectId: `${r.ref.projectId}-b` } })],
    ["environment", (r) => ({ ...r, ref: { ...r.ref, environment: "staging" } })],
  ])("keeps entries apart by %s", async (_label, change) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const first = { ...base(), locales: ["de", "en"] };
    await h.serveSettled(first, origin);
    const second = await h.serveSettled(change(first), origin);
    expect(second.headers.get("x-cache")).toBe("MISS");
    expect(origin.calls).toBe(2);
  });
});

describe("serveContent: invalidation by model and stage (answers that depend on models)", () => {
  // Three cached answers of one project: published posts, published authors, draft posts.
  const views = {
    publishedPost: { stage: "PUBLISHED", models: ["Post"] },
    publishedAuthor: { stage: "PUBLISHED", models: ["Author"] },
    draftPost: { stage: "DRAFT", models: ["Post"] },
    publishedPostWithAuthor: { stage: "PUBLISHED", models: ["Author", "Post"] },
  } as const;
  type View = keyof typeof views;

  it.each<[string, string[] | "*", string[] | "*", View[]]>([
    ["a DRAFT change to Post", ["DRAFT"], ["Post"], ["draftPost"]],
    ["a PUBLISHED change to Post (publish)", ["PUBLISHED"], ["Post"], ["publishedPost", "publishedPostWithAuthor"]],
    [
      "a change to Author reaches answers that include Author through a relation",
      ["PUBLISHED"],
      ["Author"],
      ["publishedAuthor", "publishedPostWithAuthor"],
    ],
    ["Post in every stage (delete)", "*", ["Post"], ["publishedPost", "draftPost", "publishedPostWithAuthor"]],
    ["every model of DRAFT", ["DRAFT"], "*", ["draftPost"]],
    ["everything", "*", "*", ["publishedPost", "publishedAuthor", "draftPost", "publishedPostWithAuthor"]],
    ["an empty list of models", ["PUBLISHED"], [], []],
  ])("%s makes exactly the matching answers miss, at once", async (_label, stages, models, missing) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const base = contentRequest();
    const reqs = Object.fromEntries(
      Object.entries(views).map(([name, v]) => [
        name,
        { ...base, stage: v.stage, dependencies: v.models.map((m) => `L|${v.stage}|${m}`), query: `{ ${name}: posts { id } }` },
      ]),
    ) as unknown as Record<View, ContentCacheRequest>;
    for (const r of Object.values(reqs)) await h.serveSettled(r, origin);
    expect(origin.calls).toBe(4);

    h.invalidate({ kind: "model", stages, models });
    const outcomes: Record<string, string | null> = {};
    for (const [name, r] of Object.entries(reqs)) outcomes[name] = (await h.serveSettled(r, origin)).headers.get("x-cache");
    for (const name of Object.keys(views) as View[]) {
      expect([name, outcomes[name]]).toEqual([name, missing.includes(name) ? "MISS" : "HIT"]);
    }
    expect(origin.calls).toBe(4 + missing.length);
  });

  it("a new entry joins cached lists: any change to the model in the stage invalidates its lists", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: { data: { posts: [] } } }, { body: POSTS });
    const list = contentRequest({ query: "{ posts(first: 10) { id } }" });
    await h.serveSettled(list, origin);
    h.invalidate({ kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p9"], relations: true }); // publishPost
    const after = await h.serveSettled(list, origin);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(await after.json()).toEqual(POSTS);
  });
});

describe("serveContent: stale-while-revalidate", () => {
  it("serves STALE at once and refreshes in the background exactly once for concurrent requests", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest();
    await h.serveSettled(req, origin);

    h.clock.advance(75); // maxAge 60 → 15 s stale, inside the 300 s window
    const stale = await Promise.all(Array.from({ length: 5 }, () => h.serve(req, origin)));
    for (const response of stale) {
      expect(response.headers.get("x-cache")).toBe("STALE");
      expect(response.headers.get("cache-status")).toBe("content-edge; hit; ttl=-15; detail=stale-while-revalidate");
      expect(response.headers.get("age")).toBe("75");
      expect(await response.json()).toEqual(POSTS);
    }
    await h.work.settle();
    expect(origin.calls).toBe(2); // one background refresh

    const fresh = await h.serveSettled(req, origin);
    expect(fresh.headers.get("x-cache")).toBe("HIT");
    expect(fresh.headers.get("age")).toBe("0");
    expect(await fresh.json()).toEqual(POSTS_V2);
    expect(origin.calls).toBe(2);
  });

  it.each<[string, Parameters<typeof countingOrigin>[0]]>([
    ["throws", { throw: "error" }],
    ["answers 503", { status: 503, body: "upstream overloaded" }],
    ["answers GraphQL errors", { body: { errors: [{ message: "boom" }], data: null } }],
  ])("a failed refresh (origin %s) leaves the good entry in place", async (_label, failure) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, failure);
    const req = contentRequest();
    await h.serveSettled(req, origin);
    h.clock.advance(61);
    expect((await h.serveSettled(req, origin)).headers.get("x-cache")).toBe("STALE");
    const again = await h.serveSettled(req, origin);
    expect(again.headers.get("x-cache")).toBe("STALE");
    expect(await again.json()).toEqual(POSTS);
    expect(origin.calls).toBe(3); // one refresh per stale request once the previous one finished
  });

  it("hyg-stale-while-revalidate: 0 makes a stale entry a blocking refresh (MISS with the new answer)", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest();
    await h.serveSettled(req, origin);
    h.clock.advance(61);
    const response = await h.serveSettled(
      { ...req, request: new Request(req.request.url, { method: "POST", headers: { "hyg-stale-while-revalidate": "0" } }) },
      origin,
    );
    // Inside the project's stale-if-error window: the origin is asked, and its good answer wins.
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(await response.json()).toEqual(POSTS_V2);
  });
});

describe("serveContent: stale-if-error", () => {
  const STALE_FOR = 60 + 300 + 10; // past maxAge + SWR, inside the 3600 s stale-if-error window

  it.each<[string, Parameters<typeof countingOrigin>[0], number]>([
    ["the origin cannot be reached", { throw: "error" }, 502],
    ["the origin times out", { throw: "timeout" }, 504],
    ["the origin answers 503", { status: 503, body: "down" }, 503],
    ["the origin answers something that is not GraphQL", { status: 200, body: "<html>maintenance</html>" }, 200],
  ])("serves STALE when %s, and keeps the entry", async (_label, failure, fwdStatus) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, failure);
    const req = contentRequest();
    await h.serveSettled(req, origin);
    h.clock.advance(STALE_FOR);
    const response = await h.serveSettled(req, origin);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-cache")).toBe("STALE");
    expect(response.headers.get("cache-status")).toBe(`content-edge; fwd=stale; fwd-status=${fwdStatus}; ttl=-310; detail=stale-if-error`);
    expect(response.headers.get("age")).toBe(String(STALE_FOR));
    expect(await response.json()).toEqual(POSTS);
    expect(origin.calls).toBe(2);
    // An error never overwrites the good entry.
    expect(await (await h.serveSettled(req, origin)).json()).toEqual(POSTS);
  });

  it("inside the window, a good origin answer replaces the entry (MISS, stored)", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest();
    await h.serveSettled(req, origin);
    h.clock.advance(STALE_FOR);
    const response = await h.serveSettled(req, origin);
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(await response.json()).toEqual(POSTS_V2);
    expect((await h.serveSettled(req, origin)).headers.get("x-cache")).toBe("HIT");
  });

  it.each<[string, number, Record<string, string>]>([
    ["past the stale-if-error window", 60 + 3600 + 1, {}],
    ["when the client sends hyg-stale-if-error: 0", STALE_FOR, { "hyg-stale-if-error": "0" }],
  ])("%s an origin failure is the client's error (502, MISS)", async (_label, advance, headers) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { throw: "error" });
    const req = contentRequest();
    await h.serveSettled(req, origin);
    h.clock.advance(advance);
    const response = await h.serveSettled({ ...req, request: new Request(req.request.url, { method: "POST", headers }) }, origin);
    expect(response.status).toBe(502);
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("ORIGIN_ERROR");
  });

  it("a client may ask for more stale-if-error than the project, up to what is still stored", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { throw: "error" });
    const req = contentRequest({ settings: { ...SETTINGS, staleIfError: 0 } });
    await h.serveSettled(req, origin);
    h.clock.advance(60 + 300 + 5);
    const response = await h.serveSettled(
      { ...req, request: new Request(req.request.url, { method: "POST", headers: { "hyg-stale-if-error": "600" } }) },
      origin,
    );
    expect(response.headers.get("x-cache")).toBe("STALE");
  });
});

describe("serveContent: what is never stored", () => {
  it.each<[string, Parameters<typeof countingOrigin>[0], number, string]>([
    ["GraphQL errors", { body: { errors: [{ message: "Field not found" }] } }, 200, "graphql-errors"],
    ["partial data with errors", { body: { data: { posts: null }, errors: [{ message: "x" }] } }, 200, "graphql-errors"],
    [
      "PersistedQueryNotFound",
      { body: { errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } },
      200,
      "persisted-query-not-found",
    ],
    ["a 400 validation answer", { status: 400, body: { errors: [{ message: "Cannot query field" }] } }, 400, "status"],
    ["Set-Cookie", { body: POSTS, headers: { "set-cookie": "session=abc" } }, 200, "set-cookie"],
    ["origin Cache-Control: private", { body: POSTS, headers: { "cache-control": "private" } }, 200, "no-store"],
  ])("%s: BYPASS with no-store, and the next request reaches the origin again", async (_label, answer, status, reason) => {
    const h = cacheHarness();
    const origin = countingOrigin(answer);
    const req = contentRequest();
    for (let i = 1; i <= 2; i++) {
      const response = await h.serveSettled(req, origin);
      expect(response.status).toBe(status);
      expect(response.headers.get("x-cache")).toBe("BYPASS");
      expect(response.headers.get("cache-status")).toBe(`content-edge; fwd=miss; detail=${reason}`);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(response.headers.get("etag")).toBeNull();
      expect(origin.calls).toBe(i);
    }
  });

  it.each<[string, Parameters<typeof countingOrigin>[0], number, string]>([
    ["a 5xx answer", { status: 500, body: "oops" }, 502, "ORIGIN_ERROR"],
    ["an unreachable origin", { throw: "error" }, 502, "ORIGIN_ERROR"],
    ["a timeout", { throw: "timeout" }, 504, "ORIGIN_TIMEOUT"],
  ])("%s with nothing cached: %i, MISS, no-store, not stored", async (_label, answer, status, code) => {
    const h = cacheHarness();
    const origin = countingOrigin(answer, { body: POSTS });
    const req = contentRequest();
    const response = await h.serveSettled(req, origin);
    expect(response.status).toBe(status);
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(code);
    const next = await h.serveSettled(req, origin);
    expect(next.headers.get("x-cache")).toBe("MISS");
    expect(await next.json()).toEqual(POSTS);
  });
});

describe("serveContent: coalescing", () => {
  it.each([2, 10, 50])("%i concurrent identical misses against a slow origin make one origin request", async (n) => {
    const h = cacheHarness();
    const gate = deferred();
    const origin = countingOrigin({ body: POSTS, gate: gate.promise });
    const req = contentRequest();
    const pending = Array.from({ length: n }, () => h.serve(req, origin));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    const responses = await Promise.all(pending);
    await h.work.settle();
    expect(origin.calls).toBe(1);
    const statuses = responses.map((r) => r.headers.get("cache-status"));
    expect(statuses.filter((s) => s === "content-edge; fwd=miss; stored")).toHaveLength(1);
    expect(statuses.filter((s) => s === "content-edge; fwd=miss; collapsed; stored")).toHaveLength(n - 1);
    for (const r of responses) {
      expect(r.headers.get("x-cache")).toBe("MISS");
      expect(await r.json()).toEqual(POSTS);
    }
  });

  it("different keys are not coalesced", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS, delayMs: 20 });
    const req = contentRequest();
    await Promise.all([h.serve(req, origin), h.serve({ ...req, locales: ["de"] }, origin)]);
    expect(origin.calls).toBe(2);
  });

  it("followers of a leader whose origin call fails fetch for themselves", async () => {
    const h = cacheHarness();
    const gate = deferred();
    const origin = countingOrigin({ throw: "error", gate: gate.promise }, { body: POSTS });
    const req = contentRequest();
    const pending = Array.from({ length: 3 }, () => h.serve(req, origin));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 502]);
    expect(origin.calls).toBe(3);
  });

  it("a follower stops waiting for a stuck leader after followerTimeoutMs and fetches itself", async () => {
    const h = cacheHarness({ followerTimeoutMs: 50 });
    const never = new Promise<void>(() => {});
    const origin = countingOrigin({ body: POSTS, gate: never }, { body: POSTS_V2 });
    const req = contentRequest();
    void h.serve(req, origin); // a leader whose request went away
    await new Promise((r) => setTimeout(r, 5));
    const follower = await h.serve(req, origin);
    expect(await follower.json()).toEqual(POSTS_V2);
    expect(origin.calls).toBe(2);
  });
});

describe("serveContent: ETag and 304", () => {
  it.each<[string, "HIT" | "MISS"]>([
    ["a hit", "HIT"],
    ["a stored miss", "MISS"],
  ])("GET answers carry a strong ETag and If-None-Match answers 304 without a body (%s)", async (_label, state) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const get = contentRequest({ method: "GET" });
    const first = await h.serveSettled(get, origin);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    await first.text();

    const conditional = { ...get, request: new Request(get.request.url, { headers: { "if-none-match": etag } }) };
    if (state === "MISS") h.invalidate({ kind: "model", stages: "*", models: "*" });
    const response = await h.serveSettled(conditional, origin);
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect(response.headers.get("etag")).toBe(etag);
    expect(response.headers.get("x-cache")).toBe(state);
    expect(response.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=0");
    expect(response.headers.get("content-type")).toBeNull();
  });

  it.each<[string, string, string, number]>([
    ["another tag", "GET", '"nope"', 200],
    ["a POST (no ETag, no 304)", "POST", "*", 200],
    ["*", "GET", "*", 304],
  ])("If-None-Match with %s", async (_label, method, ifNoneMatch, status) => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest({ method });
    await h.serveSettled(req, origin);
    const response = await h.serveSettled(
      { ...req, request: new Request(req.request.url, { method, headers: { "if-none-match": ifNoneMatch } }) },
      origin,
    );
    expect(response.status).toBe(status);
    expect(response.headers.has("etag")).toBe(method === "GET");
  });
});

describe("serveContent: statistics and bounds", () => {
  it("counts hits, misses, stale, bypasses and origin errors; no KV write per request", async () => {
    const h = cacheHarness();
    const req = contentRequest();
    const { projectId, environment } = req.ref;
    const ok = countingOrigin({ body: POSTS });
    await h.serveSettled(req, ok); // miss
    await h.serveSettled(req, ok); // hit
    await h.serveSettled(req, ok); // hit
    await h.serveSettled({ ...req, query: "{ a: posts { id } }" }, countingOrigin({ body: { errors: [{ message: "x" }] } })); // bypass
    await h.serveSettled({ ...req, query: "{ b: posts { id } }" }, countingOrigin({ throw: "error" })); // miss + origin error
    h.clock.advance(61);
    await h.serveSettled(req, countingOrigin({ throw: "error" })); // stale (SWR) + failed refresh (origin error)
    expect(h.runtime.stats.local(projectId, environment)).toEqual({ hits: 2, misses: 2, stale: 1, bypasses: 1, originErrors: 2 });
    const summary = await h.runtime.stats.read(projectId, environment);
    expect(summary).toEqual({ hits: 2, misses: 2, stale: 1, bypasses: 1, originErrors: 2, requests: 6, hitRatio: 2 / 5 });
  });

  it("times each answer as the kind that answered it, each origin fetch once, and counts the operation's requests and misses", async () => {
    const h = cacheHarness();
    const req = contentRequest({ operation: OPERATION });
    await h.serveSettled(req, countingOrigin({ body: POSTS })); // MISS: misses, and its fetch (7 ms)
    await h.serveSettled(req, countingOrigin({ body: POSTS })); // HIT: hits
    await h.serveSettled({ ...req, query: "{ a: posts { id } }" }, countingOrigin({ body: { errors: [{ message: "x" }] } })); // BYPASS: misses, and its fetch
    await h.serveSettled({ ...req, query: "{ b: posts { id } }" }, countingOrigin({ throw: "error" })); // failed MISS: misses, no answer to time
    h.clock.advance(61);
    await h.serveSettled(req, countingOrigin({ body: POSTS_V2 })); // STALE: hits; its background refresh: a fetch
    expect(await timed(h, req)).toEqual({ hits: 2, misses: 3, origin: { "19": 3 }, operation: [5, 3] });
  });

  it("times a coalesced origin fetch once, by the request that made it; every follower's answer is timed", async () => {
    const h = cacheHarness();
    const gate = deferred();
    const req = contentRequest({ operation: OPERATION });
    const origin = countingOrigin({ body: POSTS, gate: gate.promise });
    const pending = Array.from({ length: 5 }, () => h.serve(req, origin));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    await Promise.all(pending);
    await h.work.settle();
    expect(await timed(h, req)).toEqual({ hits: 0, misses: 5, origin: { "19": 1 }, operation: [5, 5] });
  });

  it("the memory layer stays within its bound however many distinct queries are cached", async () => {
    const stored = new Set<string>();
    const nullEdge: EdgeCache = {
      match: async () => undefined,
      put: async (url) => void stored.add(url),
      delete: async () => false,
    };
    const h = cacheHarness({ edge: nullEdge, memory: { maxEntries: 1_000, maxBytes: 256 * 1024 } });
    const origin = countingOrigin({ body: POSTS });
    const req = contentRequest({ query: "query Q($n: Int) { posts(skip: $n) { id title } }" });
    const N = 25_000; // 25× the bound; the bound holds by construction (byte- and count-bounded LRU)
    for (let i = 0; i < N; i++) {
      await h.serve({ ...req, variables: { n: i } }, origin);
      if (i % 1_000 === 0) h.work.promises.length = 0; // the null edge needs no awaiting
    }
    expect(origin.calls).toBe(N);
    expect(stored.size).toBe(N);
    expect(h.runtime.cache.memory.size).toBeLessThanOrEqual(1_000);
    expect(h.runtime.cache.memory.bytes).toBeLessThanOrEqual(256 * 1024);
    // The most recent entries are the ones kept.
    expect((await h.serve({ ...req, variables: { n: N - 1 } }, origin)).headers.get("x-cache")).toBe("HIT");
  }, 60_000);
});
