import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/platform/hash";
import { issueToken } from "../support/tokens";
import { demoProject, getQuery, originRequests, postQuery } from "../support/gateway";

/**
 * The cache step through the real `/content` pipeline and the demo origin: what a client sees
 * (headers, 304s, scoping) and what reaches the origin (request counts), inside workerd with
 * every request its own request context.
 */
const QUERY = "{ pages(first: 2) { slug } }";
const reads = async (tag: string) => (await originRequests(tag)).filter((r) => !r.body.includes("__schema")).length;

describe("/content cache, end to end", () => {
  it("MISS then HIT with the cache headers, and one origin read", async () => {
    const { content, tag } = await demoProject();
    const miss = await postQuery(content, { query: QUERY });
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    // The shared tier (binding TIER) was asked first: its member comes first (docs/shared-tier.md).
    expect(miss.headers.get("cache-status")).toBe("content-edge-tier; fwd=miss, content-edge; fwd=miss; stored");
    expect(miss.headers.get("server-timing")).toMatch(/^cache;desc="MISS";dur=[\d.]+, origin;dur=[\d.]+$/);
    expect(miss.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    const body = await miss.text();

    const hit = await postQuery(content, { query: `# same document\n${QUERY}` }, { "x-forwarded-host": "elsewhere.example" });
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("cache-status")).toMatch(/^content-edge; hit; ttl=\d+$/);
    expect(hit.headers.get("age")).toMatch(/^\d+$/);
    expect(hit.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=0");
    expect(hit.headers.get("vary")).toBe("authorization, gcms-stage, gcms-locales, accept");
    expect(await hit.text()).toBe(body);
    expect(await reads(tag)).toBe(1);
  });

  it("GET answers carry an ETag; If-None-Match answers 304 without a body or an origin read", async () => {
    const { content, tag } = await demoProject();
    const first = await getQuery(content, { query: QUERY });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    await first.text();
    const revalidated = await getQuery(content, { query: QUERY }, { "if-none-match": etag! });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(revalidated.headers.get("x-cache")).toBe("HIT");
    expect(await reads(tag)).toBe(1);
  });

  it("a token's answer is private, no-store and never reaches a public caller", async () => {
    const { content, projectId, tag } = await demoProject();
    const { token } = await issueToken(
      { projectId, environment: "master" },
      { name: "preview", permissions: [{ action: "read", model: "*", stages: "*", locales: "*" }] },
    );
    const forToken = await postQuery(content, { query: QUERY }, { authorization: `Bearer ${token}` });
    expect(forToken.headers.get("cache-control")).toBe("private, no-store");
    expect(forToken.headers.get("x-cache")).toBe("MISS");
    const forPublic = await postQuery(content, { query: QUERY });
    expect(forPublic.headers.get("x-cache")).toBe("MISS");
    expect(forPublic.headers.get("cache-control")).toMatch(/^public, /);
    expect(await reads(tag)).toBe(2);
  });

  it("concurrent identical misses from separate requests share one origin request", async () => {
    const { content, tag } = await demoProject({}, "__delay/300/");
    const responses = await Promise.all(Array.from({ length: 6 }, () => postQuery(content, { query: QUERY })));
    const statuses = responses.map((r) => r.headers.get("cache-status")).sort();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // One leader asks the tier and the origin and stores; every other request either joined it
    // (a collapsed miss) or — when a loaded machine delays it past the leader's store — is served
    // what the leader stored (a hit). None of them is a second origin read.
    const leader = "content-edge-tier; fwd=miss, content-edge; fwd=miss; stored";
    expect(statuses.filter((s) => s === leader)).toHaveLength(1);
    for (const status of statuses.filter((s) => s !== leader)) {
      expect(status).toMatch(/^content-edge-tier; fwd=miss, content-edge; fwd=miss; collapsed; stored$|; hit\b/);
    }
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(bodies.size).toBe(1);
    expect(await reads(tag)).toBe(1);
  });

  it("an origin answer with Set-Cookie is passed through as BYPASS and never stored", async () => {
    const { content, tag } = await demoProject({}, "__set-cookie/");
    for (let i = 0; i < 2; i++) {
      const response = await postQuery(content, { query: QUERY });
      expect(response.headers.get("x-cache")).toBe("BYPASS");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    expect(await reads(tag)).toBe(2);
  });

  it("APQ: a GET with only the hash is cacheable once the document is registered", async () => {
    const { content, tag } = await demoProject();
    const hash = await sha256Hex(QUERY);
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    const unknown = await getQuery(content, { extensions });
    expect(unknown.headers.get("x-cache")).toBeNull(); // answered before the cache: never stored
    expect(((await unknown.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe("PersistedQueryNotFound");
    expect((await getQuery(content, { query: QUERY, extensions })).headers.get("x-cache")).toBe("MISS");
    const hashOnly = await getQuery(content, { extensions });
    expect(hashOnly.headers.get("x-cache")).toBe("HIT");
    expect(hashOnly.headers.get("etag")).toMatch(/^"/);
    expect(await reads(tag)).toBe(1);
  });
});
