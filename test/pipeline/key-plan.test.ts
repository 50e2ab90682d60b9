import { describe, expect, it } from "vitest";
import { cacheKey, type CacheKeyInput } from "../../src/cache/key";
import { cacheHarness, contentRequest, countingOrigin } from "../support/cache";
import { ADMIN, configureProject, demoOrigin, gateway, demoProject, originRequests, postQuery, PUBLIC_READ } from "../support/gateway";

/**
 * The hit path remembers, per request shape (the decision-memo key), the cache key it derived.
 * Keys carry no versions (entries carry their dependencies), so these tests pin what must still
 * change the answer: an invalidation, a different project, fingerprint, stage or document under
 * the same shape key, and — end to end — a changed permission rule.
 */
const POSTS = { data: { posts: [{ id: "p1", title: "Hello" }] } };
const POSTS_V2 = { data: { posts: [{ id: "p1", title: "Hello again" }] } };
const OTHER = { data: { posts: [{ id: "p2", title: "Someone else's" }] } };

const base: CacheKeyInput = {
  projectId: "demo",
  environment: "master",
  stage: "PUBLISHED",
  locales: ["de", "en"],
  query: "query Q($b: Int, $a: Int = 3) { posts(skip: $b, first: $a) { id } }",
  operationName: null,
  variables: { b: 1, extra: true },
  permissionFingerprint: "public:abcd",
};

describe("cache keys", () => {
  it("are stable for the same input and carry the key-format version in their URL", async () => {
    const a = await cacheKey(base);
    expect(await cacheKey({ ...base })).toEqual(a);
    expect(a.url).toBe(`https://cache.content-edge.internal/v2/demo/master/${a.digest}`);
  });
});

describe("serveContent: a request shape's remembered key", () => {
  it("finds the entry stored without a shape key, and the other way round", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS });
    const plain = contentRequest();
    const shaped = { ...plain, shapeKey: `shape-${crypto.randomUUID()}` };
    expect((await h.serveSettled(plain, origin)).headers.get("x-cache")).toBe("MISS");
    expect((await h.serveSettled(shaped, origin)).headers.get("x-cache")).toBe("HIT");
    expect((await h.serveSettled(shaped, origin)).headers.get("x-cache")).toBe("HIT");
    expect((await h.serveSettled(plain, origin)).headers.get("x-cache")).toBe("HIT");
    expect(origin.calls).toBe(1);
  });

  it("an invalidation after repeated hits: the very next request misses and gets the new answer", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest({ shapeKey: `shape-${crypto.randomUUID()}` });
    expect((await h.serveSettled(req, origin)).headers.get("x-cache")).toBe("MISS");
    for (let i = 0; i < 3; i++) expect((await h.serveSettled(req, origin)).headers.get("x-cache")).toBe("HIT");
    h.invalidate({ kind: "model", stages: ["PUBLISHED"], models: ["Post"] });
    const after = await h.serveSettled(req, origin);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(await after.json()).toEqual(POSTS_V2);
    expect((await h.serveSettled(req, origin)).headers.get("x-cache")).toBe("HIT");
    expect(origin.calls).toBe(2);
  });

  it("a purge of everything (`*`) after hits is seen too", async () => {
    const h = cacheHarness();
    const origin = countingOrigin({ body: POSTS }, { body: POSTS_V2 });
    const req = contentRequest({ shapeKey: `shape-${crypto.randomUUID()}` });
    await h.serveSettled(req, origin);
    await h.serveSettled(req, origin);
    h.invalidate({ kind: "model", stages: "*", models: "*" });
    expect(await (await h.serveSettled(req, origin)).json()).toEqual(POSTS_V2);
  });

  it.each([
    [
      "another project",
      (r: ReturnType<typeof contentRequest>) => ({ ref: { projectId: `${r.ref.projectId}-b`, environment: r.ref.environment } }),
    ],
    ["another environment", (r: ReturnType<typeof contentRequest>) => ({ ref: { projectId: r.ref.projectId, environment: "staging" } })],
    ["a token's fingerprint", () => ({ fingerprint: "token:bbbb", shared: false })],
    ["another stage", () => ({ stage: "DRAFT", dependencies: ["L|DRAFT|Post"] })],
    ["another document", () => ({ query: "{ posts { id slug } }" })],
  ])("never applies a remembered key to %s under the same shape key", async (_name, change) => {
    const h = cacheHarness();
    const shapeKey = `shape-${crypto.randomUUID()}`;
    const first = contentRequest({ shapeKey });
    const origin = countingOrigin({ body: POSTS });
    await h.serveSettled(first, origin);
    expect((await h.serveSettled(first, origin)).headers.get("x-cache")).toBe("HIT");

    const other = { ...first, ...change(first) };
    const otherOrigin = countingOrigin({ body: OTHER });
    const response = await h.serveSettled(other, otherOrigin);
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(await response.json()).toEqual(OTHER);
    expect(otherOrigin.calls).toBe(1);
    // … and the first shape still gets its own answer afterwards.
    expect(await (await h.serveSettled(first, origin)).json()).toEqual(POSTS);
  });
});

describe("/content: repeat requests still follow the rules and invalidations", () => {
  const QUERY = { query: "{ posts(first: 2) { title } }" };

  it("a permission change after repeated hits is applied to the very next request", async () => {
    const { tag, projectId, content } = await demoProject();
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("HIT");
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("HIT");

    // Public access to Post withdrawn: refused, not served from the cache.
    await configureProject(projectId, "master", {
      origin: demoOrigin(tag),
      publicPermissions: [{ action: "read", model: ["Author"], stages: ["PUBLISHED"], locales: "*" }],
    });
    expect((await postQuery(content, QUERY)).status).toBe(403);

    // Different rules that allow it again: a new fingerprint, so a new entry (MISS), not the old one.
    await configureProject(projectId, "master", {
      origin: demoOrigin(tag),
      publicPermissions: [...PUBLIC_READ, { action: "read", model: ["Author"], stages: ["DRAFT"], locales: "*" }],
    });
    const again = await postQuery(content, QUERY);
    expect(again.status).toBe(200);
    expect(again.headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("HIT");
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("a purge after repeated hits reaches the very next request", async () => {
    const { tag, projectId, content } = await demoProject();
    await postQuery(content, QUERY);
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("HIT");
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("HIT");
    const purge = await gateway(`/admin/projects/${projectId}/master/purge`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ models: ["Post"], stages: ["PUBLISHED"] }),
    });
    expect(purge.status).toBe(200);
    expect((await postQuery(content, QUERY)).headers.get("x-cache")).toBe("MISS");
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("different variables under one document never share an answer", async () => {
    const { content } = await demoProject();
    const query = "query($n: Int) { posts(first: $n) { title } }";
    const one = (await (await postQuery(content, { query, variables: { n: 1 } })).json()) as { data: { posts: unknown[] } };
    const two = (await (await postQuery(content, { query, variables: { n: 2 } })).json()) as { data: { posts: unknown[] } };
    const oneAgain = await postQuery(content, { query, variables: { n: 1 } });
    expect(oneAgain.headers.get("x-cache")).toBe("HIT");
    expect(((await oneAgain.json()) as { data: { posts: unknown[] } }).data.posts).toHaveLength(1);
    expect(one.data.posts).toHaveLength(1);
    expect(two.data.posts).toHaveLength(2);
  });
});
