import { describe, expect, it } from "vitest";
import { demoProject, getQuery, postQuery, PUBLIC_READ } from "../support/gateway";
import { issueToken } from "../support/tokens";

/**
 * What downstream caches are told (SPEC §3 "Downstream caches"): browsers and CDNs keep public
 * answers only as long as `cache.browserMaxAge` / `cache.sharedMaxAge` say (0 by default), then
 * revalidate with the ETag — so after the gateway invalidates, a changed answer comes back as a
 * new 200 and an unchanged one as a 304 without a body.
 */
const WRITER = [...PUBLIC_READ, { action: ["read", "create", "update", "publish"], model: "Post", stages: "*", locales: "*" }];
const TITLE = "query($slug: String!) { post(where: { slug: $slug }) { title } }";

const get = (content: string, slug: string, headers: Record<string, string> = {}) =>
  getQuery(content, { query: TITLE, variables: JSON.stringify({ slug }) }, headers);

describe("Cache-Control sent downstream", () => {
  it("defaults to max-age=0, s-maxage=0 with an ETag: every downstream cache revalidates", async () => {
    const { content } = await demoProject();
    const response = await getQuery(content, { query: "{ posts(first: 1) { title } }" });
    expect(response.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=0");
    expect(response.headers.get("etag")).toMatch(/^"[\w-]+"$/);
  });

  it("sends the project's browserMaxAge and sharedMaxAge, on misses and hits alike, and never the gateway's own windows", async () => {
    const { content } = await demoProject({
      cache: { maxAge: 3600, staleWhileRevalidate: 600, staleIfError: 86400, browserMaxAge: 5, sharedMaxAge: 30 },
    });
    const miss = await getQuery(content, { query: "{ posts(first: 1) { title } }" });
    const hit = await getQuery(content, { query: "{ posts(first: 1) { title } }" });
    expect([miss.headers.get("x-cache"), hit.headers.get("x-cache")]).toEqual(["MISS", "HIT"]);
    for (const response of [miss, hit]) expect(response.headers.get("cache-control")).toBe("public, max-age=5, s-maxage=30");
  });

  it("keeps token answers out of every downstream cache", async () => {
    const { content, projectId } = await demoProject();
    const { token } = await issueToken({ projectId, environment: "master" }, { name: "reader", permissions: PUBLIC_READ });
    const response = await postQuery(content, { query: "{ posts(first: 1) { title } }" }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("revalidation after a publish through /v2", () => {
  it("a changed entry answers 200 with a new ETag, an unchanged one 304 without a body", async () => {
    const { content, v2, tag } = await demoProject({ publicPermissions: WRITER });
    const mutate = async (query: string, variables: Record<string, unknown>) => {
      const response = await postQuery(v2, { query, variables });
      const body = (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data!;
    };
    const create = async (title: string, slug: string) => {
      const { createPost } = await mutate("mutation($d: PostCreateInput!) { createPost(data: $d) { id } }", { d: { title, slug } });
      await mutate("mutation($id: ID!) { publishPost(where: { id: $id }) { id } }", { id: createPost!.id });
      return createPost!.id;
    };
    const changing = await create("Before", `changing-${tag}`);
    await create("Steady", `steady-${tag}`);

    const first = await get(content, `changing-${tag}`);
    const steady = await get(content, `steady-${tag}`);
    const [changingTag, steadyTag] = [first.headers.get("etag")!, steady.headers.get("etag")!];
    expect((await get(content, `changing-${tag}`, { "if-none-match": changingTag })).status).toBe(304);

    await mutate('mutation($id: ID!) { updatePost(where: { id: $id }, data: { title: "After" }) { id } }', { id: changing });
    await mutate("mutation($id: ID!) { publishPost(where: { id: $id }) { id } }", { id: changing });

    const changed = await get(content, `changing-${tag}`, { "if-none-match": changingTag });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ data: { post: { title: "After" } } });
    expect(changed.headers.get("etag")).not.toBe(changingTag);
    // Post answers were invalidated model-wide; the unchanged one is re-read and still matches.
    const unchanged = await get(content, `steady-${tag}`, { "if-none-match": steadyTag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("etag")).toBe(steadyTag);
  });
});
